#pragma once
// The passive OS hint: what a host's SYN-ACK (or RST) says about its stack,
// in p0f's signature terms, and the p0f label it matches. The sweep already
// receives these replies, so the hint costs no packet.
//
// Design. observe_tcp_reply() reads the IPv4 and TCP headers once into a
// flat PassiveObservation (no allocation): the TTL and the initial TTL it
// implies (the next of 32, 64, 128, 255 at or above it) with the distance,
// the IP options' length, MSS, window, window scale, the option layout (kinds
// in order), p0f's quirks and whether a payload came. PassiveClassifier then
// walks the [tcp:response] signatures in file order, comparing a 32-bit hash
// of the option layout first (nearly every signature fails there), so a
// match costs ~100 compares of one word plus the few full checks that pass.
// The engine does this once per host (engine/os_hints.hpp), not per reply,
// and on the sweep's driver thread, not the RX thread.
//
// Matching, best first:
//   Exact    every field as the signature says (wildcards, mss*N, mtu*N, %N)
//            and the same quirks, on a specific ("s:") label;
//   Generic  the same, on a generic ("g:") label: only when no specific one;
//   Fuzzy    p0f's allowance: the signature's df and id+ may be missing, id-
//            and ecn may be extra, and the initial TTL may differ (the TTL
//            seen must not exceed the signature's);
//   Closest  (portsweep's) same initial TTL, option layout, IP options and
//            payload class, quirks within the fuzzy allowance, window, scale
//            and MSS ignored; the fewest differing quirks wins. Kernels newer
//            than a signature file (Linux 5 and 6 answer with a window p0f 3's
//            Linux lines do not list) land here: the family is reliable, the
//            version is not, so only the name is reported.
//   IpOnly   (portsweep's, for a RST, or a SYN-ACK none of the above took)
//            what the IP header alone says: the signatures with the same
//            initial TTL, IP options' length and IP quirks (df, id+, id-
//            exactly) all name one OS: that name. p0f 3 has no RST signatures
//            (its README: too unspecific), but a reset's IP header is the
//            stack's: Linux's DF with IP ID 0 at TTL 64 is none of the other
//            systems' in p0f.fp, so a host that only sent resets still gets
//            "Linux (IP header only)"; where names differ, no label.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "os/p0f_signatures.hpp"

namespace portsweep::os {

struct PassiveObservation {
  uint8_t version = 4;
  uint8_t ttl = 0;        // as received
  uint8_t ittl = 0;       // the initial TTL guessed from it
  uint8_t olen = 0;       // IP options' length
  uint8_t tcp_flags = 0;
  bool has_mss = false;
  bool has_scale = false;
  bool payload = false;
  uint16_t mss = 0;
  uint16_t window = 0;
  uint8_t scale = 0;
  uint8_t layout_len = 0;
  uint8_t eol_pad = 0;
  uint32_t layout_hash = 0;
  uint32_t quirks = 0;
  std::array<uint8_t, kP0fMaxOptions> layout{};

  uint8_t distance() const noexcept { return static_cast<uint8_t>(ittl - ttl); }
  bool is_synack() const noexcept { return (tcp_flags & 0x12) == 0x12; }
  bool is_rst() const noexcept { return (tcp_flags & 0x04) != 0; }
};

// Reads an IPv4 datagram holding a TCP segment: `ip` points at the IP
// header, `len` bytes of it were captured (the headers at least; whether a
// payload came is read from the IP total length). False when the headers do
// not fit or it is not IPv4 TCP.
bool observe_tcp_reply(const uint8_t* ip, size_t len, PassiveObservation& out) noexcept;

// p0f's initial-TTL guess: 32, 64, 128 or 255.
uint8_t guess_initial_ttl(uint8_t ttl) noexcept;

enum class PassiveMatchKind : uint8_t { None, Exact, Generic, Fuzzy, Closest, IpOnly };

struct PassiveMatch {
  PassiveMatchKind kind = PassiveMatchKind::None;
  const P0fLabel* label = nullptr;
  const P0fTcpSignature* signature = nullptr;
};

class PassiveClassifier {
 public:
  explicit PassiveClassifier(P0fDatabase db) : db_(std::move(db)) {}

  // A SYN-ACK against [tcp:response], a RST (or anything else) by its IP
  // header only.
  PassiveMatch classify(const PassiveObservation& o) const noexcept;
  const P0fDatabase& database() const noexcept { return db_; }

 private:
  PassiveMatch classify_synack(const PassiveObservation& o) const noexcept;

  P0fDatabase db_;
};

// The observation in p0f's syntax, TTL as "seen+distance":
// "4:64+0:0:1460:mss*44,0:mss:df:0".
std::string format_observed_signature(const PassiveObservation& o);

// "Linux 3.x"; "Linux 3.x (fuzzy)"; generic labels as they are; "Linux
// (closest)" for a closest match; "Linux (IP header only)"; "" when nothing
// matched.
std::string hint_label(const PassiveMatch& m);

}  // namespace portsweep::os
