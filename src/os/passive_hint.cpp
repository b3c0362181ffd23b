#include "os/passive_hint.hpp"

#include <bit>
#include <cstring>

#include "packet/wire.hpp"

namespace portsweep::os {

namespace {

using wire::load_be16;
using wire::load_be32;

constexpr uint8_t kSyn = 0x02, kPsh = 0x08, kAck = 0x10, kUrg = 0x20, kEce = 0x40, kCwr = 0x80;

// The signature's df and id+ may be missing from the reply; id- and ecn may
// be extra (p0f's fuzzy allowance). Other differences rule it out.
constexpr uint32_t kMayVanish = kQuirkDf | kQuirkIdPlus;
constexpr uint32_t kMayAppear = kQuirkIdMinus | kQuirkEcn;
// What the IP header alone says of a stack.
constexpr uint32_t kIpQuirks = kQuirkDf | kQuirkIdPlus | kQuirkIdMinus;

bool quirks_within_allowance(uint32_t sig, uint32_t seen) noexcept {
  const uint32_t vanished = sig & ~seen, appeared = seen & ~sig;
  return (vanished & ~kMayVanish) == 0 && (appeared & ~kMayAppear) == 0;
}

bool window_matches(const P0fTcpSignature& s, const PassiveObservation& o) noexcept {
  switch (s.window) {
    case P0fWindow::Any:
      return true;
    case P0fWindow::Fixed:
      return o.window == s.window_value;
    case P0fWindow::Mod:
      return o.window % s.window_value == 0;
    case P0fWindow::Mss:
      return o.has_mss && o.mss != 0 && uint32_t{o.mss} * s.window_value == o.window;
    case P0fWindow::Mtu:
      return o.has_mss && (uint32_t{o.mss} + 40) * s.window_value == o.window;
  }
  return false;
}

bool same_layout(const P0fTcpSignature& s, const PassiveObservation& o) noexcept {
  return s.layout_hash == o.layout_hash && s.layout_len == o.layout_len && s.eol_pad == o.eol_pad &&
         std::memcmp(s.layout.data(), o.layout.data(), o.layout_len) == 0;
}

// Reads the options between `p` and `end` into the observation.
void read_options(const uint8_t* p, const uint8_t* end, bool bare_syn, PassiveObservation& o) noexcept {
  while (p < end) {
    const uint8_t kind = *p;
    if (o.layout_len == kP0fMaxOptions) {
      o.quirks |= kQuirkBad;
      return;
    }
    o.layout[o.layout_len++] = kind;
    if (kind == 0) {  // end of options: what follows is padding, and should be zero
      ++p;
      o.eol_pad = static_cast<uint8_t>(end - p);
      for (; p < end; ++p)
        if (*p != 0) o.quirks |= kQuirkOptPlus;
      return;
    }
    if (kind == 1) {
      ++p;
      continue;
    }
    if (end - p < 2 || p[1] < 2 || p[1] > end - p) {
      o.quirks |= kQuirkBad;
      return;
    }
    const uint8_t len = p[1];
    switch (kind) {
      case 2:
        if (len != 4) o.quirks |= kQuirkBad;
        else {
          o.has_mss = true;
          o.mss = load_be16(p + 2);
        }
        break;
      case 3:
        if (len != 3) o.quirks |= kQuirkBad;
        else {
          o.has_scale = true;
          o.scale = p[2];
          if (o.scale > 14) o.quirks |= kQuirkExws;
        }
        break;
      case 4:
        if (len != 2) o.quirks |= kQuirkBad;
        break;
      case 8:
        if (len != 10) o.quirks |= kQuirkBad;
        else {
          if (load_be32(p + 2) == 0) o.quirks |= kQuirkTs1Minus;
          if (bare_syn && load_be32(p + 6) != 0) o.quirks |= kQuirkTs2Plus;
        }
        break;
      default:
        break;
    }
    p += len;
  }
}

}  // namespace

uint8_t guess_initial_ttl(uint8_t ttl) noexcept {
  if (ttl <= 32) return 32;
  if (ttl <= 64) return 64;
  if (ttl <= 128) return 128;
  return 255;
}

bool observe_tcp_reply(const uint8_t* ip, size_t len, PassiveObservation& o) noexcept {
  if (len < 20 || (ip[0] >> 4) != 4 || ip[9] != 6) return false;
  const size_t ihl = size_t{ip[0] & 0x0fu} * 4;
  if (ihl < 20 || len < ihl + 20) return false;
  const uint8_t* tcp = ip + ihl;
  const size_t doff = size_t{tcp[12]} >> 4 << 2;
  if (doff < 20 || len < ihl + doff) return false;

  o.version = 4;
  o.ttl = ip[8];
  o.ittl = guess_initial_ttl(o.ttl);
  o.olen = static_cast<uint8_t>(ihl - 20);
  o.quirks = 0;
  const uint16_t frag = load_be16(ip + 6);
  const uint16_t id = load_be16(ip + 4);
  if (frag & 0x4000) {
    o.quirks |= kQuirkDf;
    if (id != 0) o.quirks |= kQuirkIdPlus;
  } else if (id == 0) {
    o.quirks |= kQuirkIdMinus;
  }
  if (frag & 0x8000) o.quirks |= kQuirkZeroPlus;
  if (ip[1] & 0x03) o.quirks |= kQuirkEcn;

  const uint8_t flags = tcp[13];
  o.tcp_flags = flags;
  if ((tcp[12] & 0x0f) != 0 || (flags & (kEce | kCwr))) o.quirks |= kQuirkEcn;
  const uint32_t seq = load_be32(tcp + 4), ack = load_be32(tcp + 8);
  if (seq == 0) o.quirks |= kQuirkSeqMinus;
  if ((flags & kAck) && ack == 0) o.quirks |= kQuirkAckMinus;
  if (!(flags & kAck) && ack != 0) o.quirks |= kQuirkAckPlus;
  if (flags & kUrg) o.quirks |= kQuirkUrgfPlus;
  else if (load_be16(tcp + 18) != 0) o.quirks |= kQuirkUptrPlus;
  if (flags & kPsh) o.quirks |= kQuirkPushfPlus;
  o.window = load_be16(tcp + 14);

  o.has_mss = o.has_scale = false;
  o.mss = 0;
  o.scale = 0;
  o.layout_len = 0;
  o.eol_pad = 0;
  read_options(tcp + 20, tcp + doff, (flags & (kSyn | kAck)) == kSyn, o);
  o.layout_hash = p0f_layout_hash(o.layout.data(), o.layout_len, o.eol_pad);
  o.payload = load_be16(ip + 2) > ihl + doff;  // the IP total length: the payload need not be here
  return true;
}

PassiveMatch PassiveClassifier::classify(const PassiveObservation& o) const noexcept {
  if (o.is_synack())
    if (const PassiveMatch m = classify_synack(o); m.kind != PassiveMatchKind::None) return m;
  // The IP header only: one name among every signature it fits, or none.
  PassiveMatch only;
  for (const P0fTcpSignature& s : db_.responses()) {
    if (s.olen != o.olen || (s.version != -1 && s.version != o.version)) continue;
    if (s.ttl_is_max ? o.ttl > s.ittl : s.ittl != o.ittl) continue;
    if ((s.quirks & kIpQuirks) != (o.quirks & kIpQuirks)) continue;
    const P0fLabel& label = db_.labels()[s.label];
    if (label.os_class == "!") continue;  // an application, not a stack
    if (only.label == nullptr) only = {PassiveMatchKind::IpOnly, &label, &s};
    else if (only.label->name != label.name) return {};
  }
  return only;
}

PassiveMatch PassiveClassifier::classify_synack(const PassiveObservation& o) const noexcept {
  PassiveMatch generic, fuzzy, closest;
  int closest_score = 1 << 30;
  const auto& sigs = db_.responses();
  for (const P0fTcpSignature& s : sigs) {
    if (!same_layout(s, o)) continue;
    if (s.olen != o.olen || (s.version != -1 && s.version != o.version)) continue;
    if (s.pclass != -1 && s.pclass != (o.payload ? 1 : 0)) continue;
    if (!quirks_within_allowance(s.quirks, o.quirks)) continue;
    const P0fLabel& label = db_.labels()[s.label];
    const bool same_ttl = s.ttl_is_max ? o.ttl <= s.ittl : s.ittl == o.ittl;
    if (same_ttl) {
      // Closest: everything but window, scale and MSS.
      const int score = std::popcount(s.quirks ^ o.quirks) * 2 + (label.generic ? 1 : 0);
      if (score < closest_score) {
        closest_score = score;
        closest = {PassiveMatchKind::Closest, &label, &s};
      }
    }
    if (s.mss != -1 && (!o.has_mss || s.mss != o.mss)) continue;
    if (s.scale != -1 && s.scale != o.scale) continue;
    if (!window_matches(s, o)) continue;
    if (!same_ttl && o.ttl > s.ittl) continue;
    if (same_ttl && s.quirks == o.quirks) {
      if (!label.generic) return {PassiveMatchKind::Exact, &label, &s};
      if (!generic.label) generic = {PassiveMatchKind::Generic, &label, &s};
    } else if (!fuzzy.label) {
      fuzzy = {PassiveMatchKind::Fuzzy, &label, &s};
    }
  }
  if (generic.label) return generic;
  if (fuzzy.label) return fuzzy;
  return closest;
}

std::string format_observed_signature(const PassiveObservation& o) {
  std::string s;
  const auto field = [&s](unsigned v, char after) {
    s += std::to_string(v);
    s += after;
  };
  field(o.version, ':');
  field(o.ttl, '+');
  field(o.distance(), ':');
  field(o.olen, ':');
  field(o.has_mss ? o.mss : 0, ':');
  if (o.has_mss && o.mss != 0 && o.window != 0 && o.window % o.mss == 0) {
    s += "mss*";
    field(o.window / o.mss, ',');
  } else if (o.has_mss && o.window != 0 && o.window % (o.mss + 40) == 0) {
    s += "mtu*";
    field(o.window / (o.mss + 40), ',');
  } else {
    field(o.window, ',');
  }
  field(o.has_scale ? o.scale : 0, ':');
  s += format_p0f_layout(o.layout.data(), o.layout_len, o.eol_pad);
  s += ':';
  s += format_p0f_quirks(o.quirks);
  s += ':';
  s += o.payload ? '+' : '0';
  return s;
}

std::string hint_label(const PassiveMatch& m) {
  switch (m.kind) {
    case PassiveMatchKind::None:
      return {};
    case PassiveMatchKind::Exact:
    case PassiveMatchKind::Generic:
      return m.label->text();
    case PassiveMatchKind::Fuzzy:
      return m.label->text().append(" (fuzzy)");
    case PassiveMatchKind::Closest:
      return std::string(m.label->name).append(" (closest)");
    case PassiveMatchKind::IpOnly:
      return std::string(m.label->name).append(" (IP header only)");
  }
  return {};
}

}  // namespace portsweep::os
