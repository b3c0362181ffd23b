#include "engine/resume_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <sys/stat.h>

#include "common/error.hpp"
#include "engine/answered_set.hpp"

namespace portsweep {

namespace {
// 2: the hosts sidecar holds 16-byte addresses (either family).
constexpr const char* kMagic = "portsweep-resume 2";
// The command line, a few numbers and one position per thread; 16 MB holds
// any command line Linux can pass (its argument space is 2 MB by default).
constexpr uint64_t kMaxResumeBytes = uint64_t{16} << 20;

// The answered map is raw little-endian words: 48 KB for a /16 x 6 ports,
// at most 16 MB (the exact map's limit). Text would triple that for nothing.
std::string sidecar(const std::string& path) { return path + ".answered"; }
// The hosts discovery found up: the address (16 bytes, IPv4 mapped),
// time_us (LE64), rtt_us (LE32), reason, ttl; 30 bytes each, 480 KB for a
// /16's 16k live hosts.
std::string hosts_sidecar(const std::string& path) { return path + ".hosts"; }
constexpr size_t kHostRecordBytes = 30;
constexpr uint64_t kMaxHosts = uint64_t{1} << 32;  // more than any sweep holds (the sidecar is read whole)

void write_hosts(const std::string& path, const std::vector<HostUp>& hosts) {
  std::string bytes(hosts.size() * kHostRecordBytes, '\0');
  char* rec = bytes.data();
  for (const HostUp& h : hosts) {
    std::memcpy(rec, h.ip.bytes().data(), 16);
    std::memcpy(rec + 16, &h.time_us, 8);
    std::memcpy(rec + 24, &h.rtt_us, 4);
    rec[28] = static_cast<char>(h.reason);
    rec[29] = static_cast<char>(h.ttl);
    rec += kHostRecordBytes;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw RuntimeFailure("cannot write \"" + path + "\": " + std::strerror(errno));
}

std::vector<HostUp> read_hosts(const std::string& path, uint64_t count) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  // Checked before anything is allocated: a hostile count must not cost memory.
  if (!in || static_cast<uint64_t>(in.tellg()) != count * kHostRecordBytes)
    throw UsageError("resume sidecar \"" + path + "\" is missing or not " + std::to_string(count * kHostRecordBytes) +
                     " bytes long");
  in.seekg(0);
  std::vector<HostUp> hosts(count);
  char rec[kHostRecordBytes];
  for (HostUp& h : hosts) {
    if (!in.read(rec, kHostRecordBytes)) throw UsageError("resume sidecar \"" + path + "\" could not be read");
    h.ip = IpAddress::v6(reinterpret_cast<const uint8_t*>(rec));
    std::memcpy(&h.time_us, rec + 16, 8);
    std::memcpy(&h.rtt_us, rec + 24, 4);
    if (static_cast<uint8_t>(rec[28]) >= kReasonCount)
      throw UsageError("resume sidecar \"" + path + "\" holds a host with an unknown reason " +
                       std::to_string(static_cast<uint8_t>(rec[28])));
    h.reason = static_cast<Reason>(rec[28]);
    h.ttl = static_cast<uint8_t>(rec[29]);
  }
  return hosts;
}

void write_words(const std::string& path, const std::vector<uint64_t>& words) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(words.data()),
            static_cast<std::streamsize>(words.size() * sizeof(uint64_t)));
  if (!out) throw RuntimeFailure("cannot write \"" + path + "\": " + std::strerror(errno));
}

std::vector<uint64_t> read_words(const std::string& path, size_t count) {
  std::ifstream in(path, std::ios::binary);
  in.seekg(0, std::ios::end);
  // Checked before anything is allocated: a hostile count must not cost memory.
  if (!in || static_cast<uint64_t>(in.tellg()) != uint64_t{count} * 8)
    throw UsageError("resume sidecar \"" + path + "\" is missing or not " + std::to_string(count * 8) +
                     " bytes long");
  in.seekg(0);
  std::vector<uint64_t> words(count);
  in.read(reinterpret_cast<char*>(words.data()), static_cast<std::streamsize>(count * sizeof(uint64_t)));
  if (!in || in.peek() != std::char_traits<char>::eof())
    throw UsageError("resume sidecar \"" + path + "\" is missing or not " + std::to_string(count * 8) +
                     " bytes long");
  return words;
}
std::string results_sidecar(const std::string& path) { return path + ".results"; }

void encode(const ProbeResult& r, char* rec) {
  std::memcpy(rec, &r.index, 8);
  std::memcpy(rec + 8, &r.time_us, 8);
  rec[16] = static_cast<char>(r.state);
  rec[17] = static_cast<char>(r.reason);
  rec[18] = static_cast<char>(r.ttl);
}

}  // namespace

void write_resume_file(const std::string& path, const ResumeState& st) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) throw RuntimeFailure("cannot write resume file \"" + tmp + "\": " + std::strerror(errno));
    out << kMagic << "\n# continue this scan with: portsweep --resume " << path << "\n";
    out << "seed " << st.seed << "\n";
    char key[40];
    std::snprintf(key, sizeof key, "%016" PRIx64 "%016" PRIx64, st.key.k0, st.key.k1);
    out << "key " << key << "\n";
    out << "threads " << st.tx_threads << "\n";
    out << "pass " << st.position.pass << "\n";
    for (size_t t = 0; t < st.position.positions.size(); ++t)
      out << "position " << t << " " << st.position.positions[t] << "\n";
    if (!st.answered.empty()) {
      write_words(sidecar(tmp), st.answered);
      out << "answered " << st.answered.size() << "\n";
    }
    if (!st.up_hosts.empty()) {
      write_hosts(hosts_sidecar(tmp), st.up_hosts);
      out << "hosts " << st.up_hosts.size() << "\n";
      out << "round " << st.round << " " << st.first_round_hosts << "\n";
    }
    if (st.results != 0) out << "results " << st.results << "\n";
    for (const auto& a : st.args) {
      if (a.find('\n') != std::string::npos)
        throw RuntimeFailure("cannot store argument with a newline in the resume file");
      out << "arg " << a << "\n";
    }
    out.flush();
    if (!out) throw RuntimeFailure("cannot write resume file \"" + tmp + "\": " + std::strerror(errno));
  }
  if (!st.answered.empty() && std::rename(sidecar(tmp).c_str(), sidecar(path).c_str()) != 0)
    throw RuntimeFailure("cannot rename \"" + sidecar(tmp) + "\": " + std::strerror(errno));
  if (!st.up_hosts.empty() && std::rename(hosts_sidecar(tmp).c_str(), hosts_sidecar(path).c_str()) != 0)
    throw RuntimeFailure("cannot rename \"" + hosts_sidecar(tmp) + "\": " + std::strerror(errno));
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw RuntimeFailure("cannot rename \"" + tmp + "\" to \"" + path + "\": " + std::strerror(errno));
}

ResultLog::ResultLog(const std::string& resume_path)
    : path_(results_sidecar(resume_path)), file_(std::fopen(path_.c_str(), "wb")) {
  if (file_ == nullptr)
    throw RuntimeFailure("cannot write the result log \"" + path_ + "\": " + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IOFBF, size_t{1} << 20);
}

ResultLog::~ResultLog() {
  if (file_ != nullptr) std::fclose(file_);
}

void ResultLog::append(std::span<const ProbeResult> results) {
  char rec[kRecordBytes];
  for (const ProbeResult& r : results) {
    encode(r, rec);
    if (std::fwrite(rec, kRecordBytes, 1, file_) != 1)
      throw RuntimeFailure("cannot write the result log \"" + path_ + "\": " + std::strerror(errno));
  }
  count_ += results.size();
}

void ResultLog::flush() {
  if (std::fflush(file_) != 0)
    throw RuntimeFailure("cannot write the result log \"" + path_ + "\": " + std::strerror(errno));
}

void ResultLog::move_to(const std::string& resume_path) {
  const std::string target = results_sidecar(resume_path);
  if (std::rename(path_.c_str(), target.c_str()) != 0)
    throw RuntimeFailure("cannot rename \"" + path_ + "\" to \"" + target + "\": " + std::strerror(errno));
  path_ = target;
}

void read_result_log(const std::string& resume_path, uint64_t count,
                     const std::function<void(std::span<const ProbeResult>)>& fn) {
  const std::string path = results_sidecar(resume_path);
  std::unique_ptr<std::FILE, decltype(&std::fclose)> in(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!in) throw UsageError("cannot read the result log \"" + path + "\": " + std::strerror(errno));
  std::vector<ProbeResult> chunk;
  chunk.reserve(4096);
  char rec[ResultLog::kRecordBytes];
  for (uint64_t i = 0; i < count; ++i) {
    if (std::fread(rec, ResultLog::kRecordBytes, 1, in.get()) != 1)
      throw UsageError("the result log \"" + path + "\" ends after " + std::to_string(i) + " of its " +
                       std::to_string(count) + " results");
    ProbeResult r;
    std::memcpy(&r.index, rec, 8);
    std::memcpy(&r.time_us, rec + 8, 8);
    const auto state = static_cast<uint8_t>(rec[16]), reason = static_cast<uint8_t>(rec[17]);
    if (state > static_cast<uint8_t>(PortState::ClosedFiltered) || reason >= kReasonCount)
      throw UsageError("the result log \"" + path + "\" holds a result with an unknown state or reason");
    r.state = static_cast<PortState>(state);
    r.reason = static_cast<Reason>(reason);
    r.ttl = static_cast<uint8_t>(rec[18]);
    chunk.push_back(r);
    if (chunk.size() == chunk.capacity()) {
      fn(chunk);
      chunk.clear();
    }
  }
  if (!chunk.empty()) fn(chunk);
}

void remove_resume_file(const std::string& path) noexcept {
  std::remove(sidecar(path).c_str());
  std::remove(hosts_sidecar(path).c_str());
  std::remove(results_sidecar(path).c_str());
  std::remove(path.c_str());
}

ResumeState read_resume_file(const std::string& path) {
  // Checked before reading: a directory opens (and reads as empty) on Linux,
  // and the text of a real resume file is small (the bulk is in the sidecars).
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw UsageError("cannot read resume file \"" + path + "\": " + std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    throw UsageError("resume file \"" + path + "\" is a directory; expected the file an interrupted scan wrote (" +
                     "portsweep.resume)");
  if (S_ISREG(info.st_mode) && static_cast<uint64_t>(info.st_size) > kMaxResumeBytes)
    throw UsageError("resume file \"" + path + "\" is " + std::to_string(info.st_size) +
                     " bytes long; a portsweep resume file is at most " + std::to_string(kMaxResumeBytes) + " bytes");
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read resume file \"" + path + "\": " + std::strerror(errno));
  ResumeState st;
  std::string line;
  int lineno = 0;
  auto bad = [&](const std::string& why) {
    return UsageError("resume file \"" + path + "\" line " + std::to_string(lineno) + ": " + why);
  };
  bool magic = false, have_seed = false, have_key = false, have_round = false;
  while (std::getline(in, line)) {
    ++lineno;
    if (lineno == 1) {
      // Quoted (and so cut short and escaped when printed), since any file
      // may be given here: "what is this?" is answered by its first line.
      if (line != kMagic)
        throw bad("not a portsweep resume file: its first line is \"" + line.substr(0, 100) + "\"; expected \"" +
                  std::string(kMagic) + "\"");
      magic = true;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    auto sp = line.find(' ');
    std::string word = line.substr(0, sp);
    std::string rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    std::istringstream v(rest);
    if (word == "arg") {
      st.args.push_back(rest);
    } else if (word == "seed") {
      if (!(v >> st.seed)) throw bad("expected \"seed NUMBER\"");
      have_seed = true;
    } else if (word == "key") {
      if (rest.size() != 32 || std::sscanf(rest.c_str(), "%16" SCNx64 "%16" SCNx64, &st.key.k0, &st.key.k1) != 2)
        throw bad("expected \"key\" and 32 hex digits");
      have_key = true;
    } else if (word == "threads") {
      if (!(v >> st.tx_threads) || st.tx_threads == 0 || st.tx_threads > 64)
        throw bad("expected \"threads N\" with N from 1 to 64");
    } else if (word == "pass") {
      // A pass is the first send or one of at most 50 retries (--max-retries).
      if (!(v >> st.position.pass) || st.position.pass > 50) throw bad("expected \"pass N\" with N from 0 to 50");
    } else if (word == "answered") {
      size_t words = 0;
      if (!(v >> words) || words == 0 || words > AnsweredSet::kMaxExactBits / 64)
        throw bad("expected \"answered WORDS\" with WORDS from 1 to " + std::to_string(AnsweredSet::kMaxExactBits / 64));
      st.answered = read_words(sidecar(path), words);
    } else if (word == "hosts") {
      // Each host is checked against the scan's targets when the scan is set up.
      uint64_t count = 0;
      if (!(v >> count) || count == 0 || count > kMaxHosts)
        throw bad("expected \"hosts COUNT\" with COUNT from 1 to " + std::to_string(kMaxHosts));
      st.up_hosts = read_hosts(hosts_sidecar(path), count);
    } else if (word == "round") {
      if (!(v >> st.round >> st.first_round_hosts) || st.round > 1)
        throw bad("expected \"round R HOSTS\" with R 0 or 1");
      have_round = true;
    } else if (word == "results") {
      uint64_t count = 0;
      if (!(v >> count) || count == 0) throw bad("expected \"results COUNT\"");
      // Checked against the log's size here; read later, in chunks.
      struct stat info {};
      if (::stat(results_sidecar(path).c_str(), &info) != 0 ||
          static_cast<uint64_t>(info.st_size) / ResultLog::kRecordBytes < count)
        throw UsageError("resume file \"" + path + "\" counts " + std::to_string(count) + " results, but \"" +
                         results_sidecar(path) + "\" is missing or holds fewer");
      st.results = count;
    } else if (word == "position") {
      size_t t = 0;
      uint64_t p = 0;
      if (!(v >> t >> p) || t != st.position.positions.size()) throw bad("expected \"position THREAD STEPS\" in thread order");
      st.position.positions.push_back(p);
    } else {
      throw bad("unknown entry \"" + word + "\"");
    }
  }
  if (!magic) throw UsageError("resume file \"" + path + "\" is empty");
  if (!have_round) st.first_round_hosts = st.up_hosts.size();
  if (st.first_round_hosts > st.up_hosts.size())
    throw UsageError("resume file \"" + path + "\" puts " + std::to_string(st.first_round_hosts) +
                     " hosts in the first round of " + std::to_string(st.up_hosts.size()) + " hosts up");
  if (!have_seed || !have_key) throw UsageError("resume file \"" + path + "\" lacks its seed or key");
  if (st.position.positions.size() != st.tx_threads)
    throw UsageError("resume file \"" + path + "\" has " + std::to_string(st.position.positions.size()) +
                     " positions for " + std::to_string(st.tx_threads) + " threads");
  return st;
}

}  // namespace portsweep
