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
  // Seconds since boot at the first SYN's send time, from the timestamps'
  // rate. nmap prints "Uptime guess" whenever it computed one (two or more
  // SYN-ACKs with timestamps, none zero), even 0 when it distrusts the
  // clock (over two years, or a rate it cannot place).
  std::optional<int64_t> uptime_seconds;
  // "Network Distance" as nmap reports it, and how it knows (SCAN's DC):
  // "L" localhost (0), "D" on-link (1), "I" from U1's quoted TTL, "T" a
  // traceroute's (OsExchanges::distance_from_traceroute); -1 and "" unknown.
  int distance = -1;
  std::string distance_method;
  bool u1_answered = false;  // U1 got its port unreachable (SCAN's CU=)
};

OsObservation observe_os(const OsExchanges& x);

// Hops to the host from U1's port unreachable (our TTL minus the TTL the
// quote arrived with, plus one); -1 when U1 got no such reply.
int u1_distance(const OsExchanges& x);

// nmap's value lists (XML <tcpsequence values=...> and the like): upper-case
// hex, comma-separated, no padding: "4B7711A7,BC0CA336".
std::string format_hex_list(const std::vector<uint32_t>& values);
std::string format_hex_list(const std::vector<uint16_t>& values);

// Facts of the scan that nmap writes in the fingerprint's SCAN line.
struct ScanLineFacts {
  std::string version;     // V=, the scanner's version
  int64_t time_s = 0;      // D= (month/day) and TM= (hex seconds)
  std::string platform;    // P=, e.g. "x86_64-pc-linux-gnu"
  // Why nmap would not offer the print for submission, for reasons outside
  // the exchanges ("Scan delay (600) is greater than 500", "Timing level 5
  // (Insane) used", "maxTimingRatio (...) is greater than 1.4", "Some probes
  // failed to send so results incomplete"); empty: none.
  std::string omit_reason{};
  // The match found too many perfect matches: nmap prints the print with G=N.
  bool too_many_matches = false;
};

// nmap's reason for not offering the print for submission (facts.omit_reason,
// or "Missing an open TCP port so results incomplete", "Missing a closed TCP
// port ...", "Host distance (N network hops) is greater than five", "Didn't
// receive UDP response. Please try again with -sSU"); empty when it would.
// nmap prints "OS fingerprint not ideal because: <reason>" and, when there is
// one, the block unwrapped (SCAN's G=N).
std::string submission_omitted_reason(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts);

// The SCAN(...) line alone (no wrap), as nmap writes it.
std::string scan_line(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts);

// nmap's "TCP/IP fingerprint:" block: the SCAN line, then the test lines,
// wrapped in "OS:"-prefixed rows of 72 characters as nmap wraps them, each
// row ended by '\n'. With wrap false, one line per row, unprefixed: what nmap
// prints when the print is not offered for submission (a reason above, or
// too many matches).
std::string format_subject_fingerprint(const OsExchanges& x, const OsObservation& o, const ScanLineFacts& facts,
                                       bool wrap = true);

}  // namespace portsweep::os
