#include "output/mac_vendors.hpp"

#include <cctype>
#include <filesystem>

#include "common/data_file.hpp"
#include "common/error.hpp"

namespace portsweep {

MacVendors MacVendors::parse(std::string_view text) {
  MacVendors db;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    // "0050C2 IEEE Registration Authority": six hex digits, a space, a name.
    if (line.size() < 8 || line[0] == '#' || line[6] != ' ') continue;
    uint32_t prefix = 0;
    bool hex = true;
    for (char c : line.substr(0, 6)) {
      const int v = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (v < 0) hex = false;
      prefix = prefix << 4 | static_cast<uint32_t>(v < 0 ? 0 : v);
    }
    if (!hex) continue;
    std::string_view name = line.substr(7);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.remove_suffix(1);
    if (!name.empty()) db.by_prefix_.emplace(prefix, std::string(name));
  }
  return db;
}

MacVendors MacVendors::load(const std::string& datadir) {
  for (const std::string& path : {datadir.empty() ? std::string() : datadir + "/nmap-mac-prefixes",
                                  std::string("/usr/share/nmap/nmap-mac-prefixes")}) {
    if (path.empty() || !std::filesystem::exists(path)) continue;
    try {
      return parse(read_data_file(path, "nmap-mac-prefixes"));
    } catch (const RuntimeFailure&) {
      return {};  // unreadable: vendors are unknown, as without the file
    }
  }
  return {};
}

std::string_view MacVendors::vendor(const std::array<uint8_t, 6>& mac) const {
  const uint32_t prefix = uint32_t{mac[0]} << 16 | uint32_t{mac[1]} << 8 | mac[2];
  auto it = by_prefix_.find(prefix);
  return it == by_prefix_.end() ? std::string_view() : std::string_view(it->second);
}

std::optional<uint32_t> MacVendors::prefix_of(std::string_view name) const {
  if (name.empty()) return std::nullopt;
  const auto lower = [](std::string_view v) {
    std::string t(v);
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  const std::string want = lower(name);
  // 0: equal, 1: starts with, 2: contains; lower is better.
  int best_rank = 3;
  uint32_t best = 0;
  for (const auto& [prefix, vendor] : by_prefix_) {
    const std::string v = lower(vendor);
    const int rank = v == want ? 0 : v.starts_with(want) ? 1 : v.find(want) != std::string::npos ? 2 : 3;
    if (rank < best_rank || (rank == best_rank && rank < 3 && prefix < best)) {
      best_rank = rank;
      best = prefix;
    }
  }
  if (best_rank == 3) return std::nullopt;
  return best;
}

}  // namespace portsweep
