#pragma once
// What OS detection (-O) and the passive hint learned about one host, in the
// terms every output format prints: nmap's <os>, <uptime>, <distance>,
// <tcpsequence>, <ipidsequence> and <tcptssequence>. The OS stage (cli/
// os_stage) fills it from os/'s results; the output layer only renders it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "portsweep/result.hpp"

namespace portsweep {

struct OsPortUsed {
  PortState state = PortState::Open;
  Proto proto = Proto::Tcp;
  uint16_t port = 0;
};

struct OsClassReport {
  std::string type;        // "general purpose"
  std::string vendor;      // "Linux"
  std::string family;      // "Linux"
  std::string generation;  // "5.X"; may be empty
  int accuracy = 0;        // percent
  std::vector<std::string> cpes;
};

struct OsMatchReport {
  std::string name;
  int accuracy = 0;  // percent
  uint32_t line = 0; // its line in nmap-os-db
  std::vector<OsClassReport> classes;
};

struct OsReport {
  IpAddress ip;  // either family
  std::vector<OsPortUsed> ports_used;
  std::vector<OsMatchReport> matches;    // best first
  std::vector<std::string> summary;      // normal output's lines (Device type, Running, OS details, ...)
  std::string fingerprint;               // nmap's "OS:SCAN(...)" block; empty when not shown
  int distance = -1;                     // hops; -1 unknown
  std::optional<int64_t> uptime_seconds;
  int64_t scan_time_s = 0;               // when the probes went out (uptime's "last boot")
  uint32_t tcp_seq_index = 0;
  std::string tcp_seq_difficulty;        // empty: no TCP sequence analysis
  std::string tcp_seq_values;            // "A1B2C3D4,..." as nmap writes them
  std::string ipid_class;
  std::string ipid_values;
  std::string ts_class;
  std::string ts_values;
};

// The passive hint for a host, from the SYN-ACKs and resets a sweep already
// received (p0f signatures): "Linux 3.x" and what it came from.
struct OsHint {
  IpAddress ip;
  std::string label;  // p0f's "Linux:3.x" rendered as "Linux 3.x"; empty: no signature matched
  std::string signature;  // the observed signature in p0f's syntax, e.g. "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df:0"
};

}  // namespace portsweep
