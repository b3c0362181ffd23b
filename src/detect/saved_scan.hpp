#pragma once
// A finished scan read back from its saved output, so version detection can
// run on it later (`portsweep detect --from FILE`): portsweep's JSON lines
// (-oJ) or an XML report (-oX, portsweep's or nmap's own).
#include <cstdint>
#include <functional>
#include <span>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "output/scan_info.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

// Ports of one host in one state that an XML report lists as a range
// (<extrareasons ports="1-65535">): kept as the range and expanded only batch
// by batch when fed on (for_each_result_batch), so that the few bytes of
// "1-65535" never become 65535 stored results. What a file makes the reader
// hold is then proportional to the file's size.
struct PortRun {
  PortResult result;  // every field but the port
  uint16_t first = 0;
  uint16_t last = 0;
};

struct SavedScan {
  std::string args;             // the command line the file records; empty for JSON lines
  int64_t start_time_us = 0;    // 0 when the file does not say
  std::vector<ScanKind> scans;  // one per protocol
  uint64_t num_targets = 0;     // addresses scanned, or the hosts seen when unknown
  std::vector<PortResult> results;  // ports the file lists one by one
  std::vector<PortRun> runs;        // ports it lists as ranges
  // Hosts the file says are up, with why (host discovery's answer, or -Pn's
  // user-set): JSON status lines, XML <host><status>. A host that is up
  // with no port listed (a ping scan's) is known only from these.
  std::vector<HostUp> hosts;
  // Every probe of the scan went out from this one process and its results
  // are all here (a JSON lines file of a whole scan, not a --shard, with an
  // end record that says it completed): a port of a host up that the file
  // does not list went unanswered. False for XML, whose folded states do not
  // say which port is which.
  bool unanswered_known = false;

  // results plus every port of every run.
  uint64_t result_count() const;
};

// Every result of `scan` (its `results`, then each run's ports in order),
// handed to `fn` in batches of at most kResultBatch.
inline constexpr std::size_t kResultBatch = 4096;
void for_each_result_batch(const SavedScan& scan, const std::function<void(std::span<const PortResult>)>& fn);

// The latest time a saved scan may say: 9999-12-31 23:59:59 UTC, in seconds
// since 1970. Later (or negative) times are refused, so microseconds always
// fit an int64_t and every output can print them.
inline constexpr int64_t kMaxSavedTimeSeconds = 253402300799;

// Reads `path`, telling the format from its first character ('<' XML, '{'
// JSON lines). Throws RuntimeFailure when the file cannot be read and
// UsageError naming the file and line when it does not parse or a number in
// it is out of range.
SavedScan read_saved_scan(const std::string& path);

// JSON lines as -oJ writes them: one object per result; the records a
// previous -sV added (they carry "method") are skipped, since detection
// runs again. Scan kinds are derived from the ports the file mentions.
// `lines_before`: lines of `in` already consumed (for the line numbers of
// errors).
SavedScan parse_saved_jsonl(std::istream& in, const std::string& source, std::size_t lines_before = 0);

// nmap's XML, streamed from `in`: <scaninfo>, and per <host> its IPv4
// <address> and <port> states; <extraports> whose <extrareasons> list their
// ports become runs (IPv6 hosts are skipped: portsweep scans IPv4).
// `lines_before` as for parse_saved_jsonl. The text overload reads a copy.
SavedScan parse_saved_xml(std::istream& in, const std::string& source, std::size_t lines_before = 0);
SavedScan parse_saved_xml(std::string_view text, const std::string& source);

// nmap's words back into the enums ("syn-ack" -> Reason::SynAck); false
// when the word is unknown.
bool parse_proto(std::string_view s, Proto& out);
bool parse_port_state(std::string_view s, PortState& out);
bool parse_reason(std::string_view s, Reason& out);

}  // namespace portsweep
