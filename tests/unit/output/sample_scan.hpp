#pragma once
// A small synthetic scan shared by the format tests: three hosts answering a
// SYN scan of 1-100/tcp plus a UDP scan of 53,161, delivered out of order.
//   198.19.0.5   2 open, 30 closed (over the listing limit), 3 filtered by
//                ICMP, 53/udp open, 161/udp silent (open|filtered)
//   198.19.0.3   1 open, 5 closed (under the limit), 53/udp closed
//   198.19.0.200 97 closed, 3 filtered by ICMP (listed), both UDP closed
// Everything not answered on a host counts as filtered (TCP) or
// open|filtered (UDP).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "output/host_table.hpp"
#include "output/output_format.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "portsweep/result.hpp"

namespace portsweep::test {

constexpr int64_t kStartUs = 1795287600LL * 1000000;  // 2026-11-21 19:00:00 UTC

// An IPv4 address as a number in host byte order, for address arithmetic.
constexpr uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  return (uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | d;
}
// ... and as results carry it.
inline IpAddress ip(uint8_t a, uint8_t b, uint8_t c, uint8_t d) { return IpAddress::v4(ip4(a, b, c, d)); }
// An IPv6 address from its text ("2001:db8:1::5"); throws on anything else.
IpAddress ip6(std::string_view text);

ScanInfo sample_info(bool reason = false);
std::vector<PortResult> sample_results();
// The sample's results with two IPv6 hosts mixed in, delivered before them:
//   2001:db8:1::10  22/tcp open, 30 closed (over the limit), 53/udp open
//   2001:db8:1::5   80/tcp open, 3 filtered by ICMPv6 (listed)
// In address order: the three IPv4 hosts, then ::5, then ::10.
std::vector<PortResult> mixed_results();
ScanSummary sample_summary();

// Runs a whole scan through one writer: begin, every result, end; gives
// 198.19.0.5 a 120 us round trip.
void run_scan(OutputFormat& w, const ScanInfo& info, const std::vector<PortResult>& results,
              const ScanSummary& summary, HostTable* table_out = nullptr);

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_file(const std::string& path);
std::vector<std::string> lines_of(const std::string& text);
// -oJ's lines but its scan start and end records: one per result.
std::vector<std::string> result_lines(const std::string& text);

}  // namespace portsweep::test
