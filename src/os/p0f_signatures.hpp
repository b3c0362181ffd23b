#pragma once
// p0f 3's fingerprint file (p0f.fp): the TCP signatures, compiled once into
// flat records the passive hint (os/passive_hint.hpp) compares a reply
// against with no allocation and no string work.
//
// The format, as p0f's README describes it: `;` comments, `classes = a,b,c`,
// sections `[mtu]`, `[tcp:request]` (SYNs), `[tcp:response]` (SYN-ACKs),
// `[http:request]`, `[http:response]`; in a section, `label =
// type:class:name:flavor` (type `s` specific or `g` generic; class one of
// the registered classes, or `!` for applications), optionally `sys =`
// lines, then the label's `sig =` lines. A TCP signature is
// `ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass`. The MTU and HTTP
// sections are checked for shape and skipped: the hint reads only TCP.
//
// Bad input throws UsageError with one line: "FILE:LINE: what is wrong".
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep::os {

// p0f's quirks, one bit each.
enum P0fQuirk : uint32_t {
  kQuirkDf = 1u << 0,      // df: IPv4 don't-fragment set
  kQuirkIdPlus = 1u << 1,  // id+: DF set and IP ID non-zero
  kQuirkIdMinus = 1u << 2, // id-: DF clear and IP ID zero
  kQuirkEcn = 1u << 3,     // ecn: ECN in the IP header or ECE/CWR/NS in TCP
  kQuirkZeroPlus = 1u << 4,  // 0+: the IPv4 reserved ("must be zero") flag set
  kQuirkFlow = 1u << 5,    // flow: IPv6 flow label (never on IPv4)
  kQuirkSeqMinus = 1u << 6,  // seq-: sequence number zero
  kQuirkAckPlus = 1u << 7,   // ack+: ACK number set without the ACK flag
  kQuirkAckMinus = 1u << 8,  // ack-: ACK flag with ACK number zero
  kQuirkUptrPlus = 1u << 9,  // uptr+: URG pointer set without the URG flag
  kQuirkUrgfPlus = 1u << 10, // urgf+: URG flag
  kQuirkPushfPlus = 1u << 11,  // pushf+: PSH flag
  kQuirkTs1Minus = 1u << 12,   // ts1-: own timestamp zero
  kQuirkTs2Plus = 1u << 13,    // ts2+: echoed timestamp non-zero on a bare SYN
  kQuirkOptPlus = 1u << 14,    // opt+: non-zero bytes after the end-of-options
  kQuirkExws = 1u << 15,       // exws: window scale over 14
  kQuirkBad = 1u << 16,        // bad: malformed options
};

// "df,id+" -> bits; false (and `bad` names the word) on an unknown word.
bool parse_p0f_quirks(std::string_view text, uint32_t& bits, std::string& bad);
// bits -> "df,id+" in p0f's order.
std::string format_p0f_quirks(uint32_t bits);

enum class P0fWindow : uint8_t {
  Any,    // *
  Fixed,  // 65535
  Mss,    // mss*N: N times the MSS option's value
  Mtu,    // mtu*N: N times (MSS + 40), the IPv4 MTU the MSS implies
  Mod,    // %N: any multiple of N
};

// The largest option layout: 40 option bytes, at most 40 options.
inline constexpr size_t kP0fMaxOptions = 40;

struct P0fLabel {
  bool generic = false;  // "g": considered only when no specific signature matches
  std::string os_class;  // "unix", "win", "!" for applications
  std::string name;      // "Linux"
  std::string flavor;    // "3.x"; may be empty
  std::vector<std::string> sys;  // `sys =` entries (application labels)
  uint32_t line = 0;

  // "Linux 3.x" (or "Linux" when there is no flavor).
  std::string text() const;
};

struct P0fTcpSignature {
  int8_t version = -1;      // 4, 6, or -1 for *
  uint8_t ittl = 0;         // initial TTL
  bool ttl_is_max = false;  // "64-": the sender picks TTLs up to this one
  uint8_t olen = 0;         // IP options' length
  int32_t mss = -1;         // -1: *
  P0fWindow window = P0fWindow::Any;
  uint32_t window_value = 0;  // the value, the multiplier or the modulus
  int16_t scale = -1;         // -1: *
  // Option kinds in order (EOL 0, NOP 1, MSS 2, WS 3, SOK 4, SACK 5, TS 8,
  // ?n as n), and the padding bytes after an EOL ("eol+n").
  std::array<uint8_t, kP0fMaxOptions> layout{};
  uint8_t layout_len = 0;
  uint8_t eol_pad = 0;
  uint32_t layout_hash = 0;  // of layout and eol_pad, compared first
  uint32_t quirks = 0;
  int8_t pclass = 0;    // 0: no payload, 1: payload, -1: *
  uint32_t label = 0;   // index into P0fDatabase::labels()
  uint32_t line = 0;    // in the file, for messages and tests
};

// The hash the matcher compares first; the same function for signatures and
// observations.
uint32_t p0f_layout_hash(const uint8_t* layout, size_t n, uint8_t eol_pad) noexcept;

// "mss,sok,ts,nop,ws" / "mss,nop,nop,sok,eol+1" from a layout.
std::string format_p0f_layout(const uint8_t* layout, size_t n, uint8_t eol_pad);

class P0fDatabase {
 public:
  // Reads and parses `path` (RuntimeFailure if it cannot be read).
  static P0fDatabase load(const std::string& path);
  static P0fDatabase parse(std::string_view text, std::string_view origin);

  // Where a hint's signatures come from: DIR/p0f.fp (--datadir), Debian's
  // /etc/p0f/p0f.fp, then the project's own data/p0f-response.fp (installed,
  // else in the source tree).
  static std::vector<std::string> search_path(const std::string& datadir);

  const std::vector<P0fLabel>& labels() const noexcept { return labels_; }
  const std::vector<std::string>& classes() const noexcept { return classes_; }
  // [tcp:request] (SYN) and [tcp:response] (SYN-ACK) signatures, file order.
  const std::vector<P0fTcpSignature>& requests() const noexcept { return requests_; }
  const std::vector<P0fTcpSignature>& responses() const noexcept { return responses_; }
  const std::string& origin() const noexcept { return origin_; }

 private:
  std::string origin_;
  std::vector<std::string> classes_;
  std::vector<P0fLabel> labels_;
  std::vector<P0fTcpSignature> requests_;
  std::vector<P0fTcpSignature> responses_;
};

}  // namespace portsweep::os
