#pragma once
// nmap's tests over one host's OS exchanges (SP, GCD, ISR, TI/CI/II, SS, TS,
// O1-O6, W1-W6, R, DF, T, TG, W, S, A, F, O, RD, Q, CC, IPL, UN, RIPL, RID,
// RIPCK, RUCK, RUD, DFI, CD), and what they say about the host beyond the
// OS: uptime, TCP sequence predictability, IP ID generation.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "os/os_exchange.hpp"
#include "os/os_fingerprint.hpp"

namespace portsweep::os {

struct OsObservation {
  Fingerprint fingerprint;  // SEQ ... IE, as nmap would print them for this host

  // TCP sequence prediction: nmap's index (0 when too few SYN-ACKs) and its
  // words ("Good luck!", "Trivial", ...), and the ISNs seen, in order.
  uint32_t tcp_seq_index = 0;
  std::string tcp_seq_difficulty;
  std::vector<uint32_t> tcp_isns;
  // IP ID sequence generation in nmap's words ("All zeros", "Incremental",
  // "Randomized", "Busy server or unknown class", ...) and the IDs seen.
  std::string ipid_class;
  std::vector<uint16_t> ipids;
  // TCP timestamp sequence ("1000HZ", "none returned (unsupported)", ...).
  std::string ts_class;
  std::vector<uint32_t> tsvals;
  // Seconds since boot, from the timestamps' rate; nmap prints it only when
  // the clock rate is one it trusts.
  std::optional<int64_t> uptime_seconds;
};

OsObservation observe_os(const OsExchanges& x);

// Facts of the scan that nmap writes in the fingerprint's SCAN line.
struct ScanLineFacts {
  std::string version;     // V=, the scanner's version
  int64_t time_s = 0;      // D= (month/day) and TM= (hex seconds)
  std::string platform;    // P=, e.g. "x86_64-pc-linux-gnu"
};

// nmap's "TCP/IP fingerprint:" block: the SCAN line, then the test lines,
// wrapped in "OS:"-prefixed rows as nmap wraps them.
std::string format_subject_fingerprint(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts);

}  // namespace portsweep::os
