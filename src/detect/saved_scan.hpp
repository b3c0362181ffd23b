#pragma once
// A finished scan read back from its saved output, so version detection can
// run on it later (`portsweep detect --from FILE`): portsweep's JSON lines
// (-oJ) or an XML report (-oX, portsweep's or nmap's own).
#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "output/scan_info.hpp"
#include "portsweep/result.hpp"

namespace portsweep {

struct SavedScan {
  std::string args;             // the command line the file records; empty for JSON lines
  int64_t start_time_us = 0;    // 0 when the file does not say
  std::vector<ScanKind> scans;  // one per protocol
  uint64_t num_targets = 0;     // addresses scanned, or the hosts seen when unknown
  std::vector<PortResult> results;
};

// Reads `path`, telling the format from its first character ('<' XML, '{'
// JSON lines). Throws RuntimeFailure when the file cannot be read and
// UsageError naming the file and line when it does not parse.
SavedScan read_saved_scan(const std::string& path);

// JSON lines as -oJ writes them: one object per result; the records a
// previous -sV added (they carry "method") are skipped, since detection
// runs again. Scan kinds are derived from the ports the file mentions.
SavedScan parse_saved_jsonl(std::istream& in, const std::string& source);

// nmap's XML: <scaninfo>, and per <host> its IPv4 <address> and <port>
// states; <extraports> whose <extrareasons> list their ports are expanded
// too (IPv6 hosts are skipped: portsweep scans IPv4).
SavedScan parse_saved_xml(std::string_view text, const std::string& source);

// nmap's words back into the enums ("syn-ack" -> Reason::SynAck); false
// when the word is unknown.
bool parse_proto(std::string_view s, Proto& out);
bool parse_port_state(std::string_view s, PortState& out);
bool parse_reason(std::string_view s, Reason& out);

}  // namespace portsweep
