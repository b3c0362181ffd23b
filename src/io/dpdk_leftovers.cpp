#include "io/dpdk_leftovers.hpp"

#include <net/if.h>
#include <sys/stat.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "io/xdp_link.hpp"

namespace portsweep {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kPrefix = "portsweep-";
constexpr const char* kOwnerFile = "portsweep.owner";

template <typename T>
bool parse_number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

uint64_t inode_of(const char* path) {
  struct stat st{};
  return ::stat(path, &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0;
}

std::optional<uint64_t> read_start_time(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!in || !std::getline(in, text)) return std::nullopt;
  // The command name (field 2) may hold spaces and parentheses: count fields
  // from the last ')'.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 22) {
      uint64_t t = 0;
      if (parse_number(field, t)) return t;
    }
  }
  return std::nullopt;
}

bool named_netns_exists(uint64_t inode) {
  if (inode == 0) return false;
  if (inode == inode_of("/proc/1/ns/net")) return true;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
    if (inode_of(e.path().c_str()) == inode) return true;
  }
  return false;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string format_run_owner(const RunOwner& o) {
  std::ostringstream s;
  s << "pid " << o.pid << "\nstart_time " << o.start_time << "\nnetns " << o.netns << "\nifindex "
    << o.ifindex << "\niface " << o.iface << "\nxdp " << (o.xdp ? 1 : 0) << "\n";
  return s.str();
}

std::optional<RunOwner> parse_run_owner(std::string_view text) {
  RunOwner o;
  unsigned seen = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    std::string_view key = line.substr(0, sp), value = line.substr(sp + 1);
    bool ok = true;
    if (key == "pid") ok = parse_number(value, o.pid), seen |= 1;
    else if (key == "start_time") ok = parse_number(value, o.start_time), seen |= 2;
    else if (key == "netns") ok = parse_number(value, o.netns), seen |= 4;
    else if (key == "ifindex") ok = parse_number(value, o.ifindex), seen |= 8;
    else if (key == "iface") o.iface = std::string(value), seen |= 16;
    else if (key == "xdp") o.xdp = value == "1", seen |= 32;
    if (!ok) return std::nullopt;
  }
  if (seen != 63) return std::nullopt;
  return o;
}

std::string runtime_prefix(long pid) { return std::string(kPrefix) + std::to_string(pid); }

std::optional<long> pid_of_prefix(std::string_view name) {
  if (!name.starts_with(kPrefix)) return std::nullopt;
  long pid = 0;
  if (!parse_number(name.substr(kPrefix.size()), pid) || pid <= 0) return std::nullopt;
  return pid;
}

uint64_t current_netns() { return inode_of("/proc/self/ns/net"); }

SystemView live_system_view() {
  return SystemView{read_start_time, current_netns(), named_netns_exists};
}

LeftoverAction judge_leftover(long dir_pid, const std::optional<RunOwner>& owner,
                              const SystemView& sys) {
  auto started = sys.process_start_time(dir_pid);
  bool alive = started.has_value() && (!owner || owner->start_time == 0 ||
                                       owner->start_time == *started);
  if (alive) return LeftoverAction::Keep;
  if (!owner || !owner->xdp) return LeftoverAction::Remove;
  if (owner->netns == sys.netns) return LeftoverAction::DetachXdpAndRemove;
  // The interface lives in another namespace: a run there will clean it. A
  // namespace that is gone took its interfaces, and their programs, with it.
  return sys.netns_exists(owner->netns) ? LeftoverAction::Keep : LeftoverAction::Remove;
}

std::vector<Leftover> find_leftovers(const std::string& root, const SystemView& sys) {
  std::vector<Leftover> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    auto pid = pid_of_prefix(e.path().filename().string());
    if (!pid || !e.is_directory(ec)) continue;
    Leftover l;
    l.dir = e.path().string();
    l.owner = parse_run_owner(read_file(e.path() / kOwnerFile));
    l.action = judge_leftover(*pid, l.owner, sys);
    found.push_back(std::move(l));
  }
  return found;
}

std::vector<std::string> clean_leftovers(const std::string& root, const SystemView& sys) {
  std::vector<std::string> notes;
  for (const Leftover& l : find_leftovers(root, sys)) {
    if (l.action == LeftoverAction::Keep) continue;
    if (l.action == LeftoverAction::DetachXdpAndRemove) {
      // Only the interface the dead run used, and only if the index still
      // names it: an index can be reused by a newer interface.
      char name[IF_NAMESIZE] = {};
      if (if_indextoname(static_cast<unsigned>(l.owner->ifindex), name) != nullptr &&
          l.owner->iface == name && xdp_attachment(l.owner->ifindex)) {
        if (detach_xdp(l.owner->ifindex)) {
          notes.push_back("removed the XDP program a killed portsweep (pid " +
                          std::to_string(l.owner->pid) + ") left on \"" + l.owner->iface + "\".");
        } else {
          notes.push_back("cannot remove the XDP program a killed portsweep left on \"" +
                          l.owner->iface + "\"; run: ip link set dev " + l.owner->iface +
                          " xdp off.");
        }
      }
    }
    std::error_code ec;
    fs::remove_all(l.dir, ec);
  }
  return notes;
}

void write_run_owner(const std::string& root, const RunOwner& owner) {
  fs::path dir = fs::path(root) / runtime_prefix(owner.pid);
  // 0700 like EAL's own mkdir, which then finds them made.
  ::mkdir(root.c_str(), 0700);
  ::mkdir(dir.c_str(), 0700);
  std::ofstream out(dir / kOwnerFile, std::ios::trunc);
  out << format_run_owner(owner);
  out.close();
  if (!out) {
    throw RuntimeFailure("cannot write DPDK's run record " + (dir / kOwnerFile).string() +
                         "; portsweep needs root to use DPDK.");
  }
}

void remove_runtime_dir(const std::string& root, long pid) noexcept {
  std::error_code ec;
  fs::remove_all(fs::path(root) / runtime_prefix(pid), ec);
  fs::remove(root, ec);  // only succeeds when empty: another run's files stay
}

}  // namespace portsweep
