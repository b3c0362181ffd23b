#pragma once
// Service names and open frequencies from an nmap-services style file
// ("http<TAB>80/tcp<TAB>0.484143<TAB># comment"). It answers "what is port
// 22/tcp called", "which ports does -p http* mean" and "which ports are the
// top N", the last being how nmap picks its default ports.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"

namespace portsweep {

struct ServiceEntry {
  std::string name;
  uint16_t port = 0;
  Proto proto = Proto::Tcp;
  double frequency = 0.0;  // fraction of scanned hosts found with it open
};

class ServicesDb {
 public:
  using PortFilter = std::function<bool(uint16_t port)>;

  // Files tried in order: DATADIR/nmap-services and DATADIR/portsweep-services
  // when a --datadir is given, then nmap's installed copies, then this
  // project's own data/portsweep-services (installed, then source tree).
  static std::vector<std::string> search_path(const std::string& datadir = {});
  // Loads the first file of search_path() that exists. A file that exists but
  // cannot be read is an error rather than a reason to fall back silently.
  // Throws RuntimeFailure when nothing can be loaded.
  static ServicesDb load(const std::string& datadir = {});
  // Throws RuntimeFailure: cannot read services file "PATH": REASON
  static ServicesDb load_file(const std::string& path);
  // Lines that do not parse (bad port, unknown protocol, bad frequency) are
  // skipped and counted; a repeated port/protocol keeps its first line.
  static ServicesDb parse(std::istream& in, std::string source);

  const std::string& source() const { return source_; }  // the file loaded
  size_t skipped_lines() const { return skipped_lines_; }
  const std::vector<ServiceEntry>& entries() const { return entries_; }  // by protocol, then port

  std::optional<std::string_view> name_of(uint16_t port, Proto proto) const;
  // Ascending ports whose name matches `pattern`, where '*' is any run of
  // characters and '?' one character; case-insensitive, as nmap's -p is.
  std::vector<uint16_t> ports_named(std::string_view pattern, Proto proto) const;
  // Most frequent first; ties go to the lower port. Only ports `allowed`
  // accepts (all when empty) count towards `count`.
  std::vector<uint16_t> top_ports(Proto proto, size_t count, const PortFilter& allowed = {}) const;
  // Ports with frequency >= min_frequency, most frequent first.
  std::vector<uint16_t> ports_with_ratio(Proto proto, double min_frequency,
                                         const PortFilter& allowed = {}) const;

 private:
  std::string source_;
  size_t skipped_lines_ = 0;
  std::vector<ServiceEntry> entries_;
  std::array<std::vector<uint32_t>, 3> by_frequency_;  // indexes into entries_, per protocol
};

// Glob match with '*' and '?', ignoring ASCII case.
bool service_name_matches(std::string_view pattern, std::string_view name);

}  // namespace portsweep
