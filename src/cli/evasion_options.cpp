#include "cli/evasion_options.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/hex_digit.hpp"
#include "output/mac_vendors.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

namespace {

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "\xHH" bytes, each optionally followed by "*N" (the byte N times in all).
// Returns nullopt on anything else.
std::optional<std::vector<uint8_t>> escaped_bytes(std::string_view s, size_t max) {
  std::vector<uint8_t> out;
  size_t i = 0;
  while (i < s.size()) {
    if (i + 4 > s.size() || s[i] != '\\' || (s[i + 1] != 'x' && s[i + 1] != 'X')) return std::nullopt;
    const int hi = hex_digit_value(s[i + 2]), lo = hex_digit_value(s[i + 3]);
    if (hi < 0 || lo < 0) return std::nullopt;
    const auto byte = static_cast<uint8_t>(hi << 4 | lo);
    i += 4;
    size_t count = 1;
    if (i < s.size() && s[i] == '*') {
      size_t j = i + 1, n = 0;
      while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])) && n <= max) n = n * 10 + (s[j++] - '0');
      if (j == i + 1 || n == 0) return std::nullopt;
      count = n;
      i = j;
    }
    if (out.size() + count > max) return std::nullopt;
    out.insert(out.end(), count, byte);
  }
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

// A random address nobody should be using for anything special: not 0/8,
// 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24,
// 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, nor 224/3.
uint32_t random_public_address(std::mt19937_64& rng) {
  while (true) {
    const auto a = static_cast<uint32_t>(rng());
    const uint32_t o1 = a >> 24, o2 = (a >> 16) & 0xff, o3 = (a >> 8) & 0xff;
    if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224) continue;
    if (o1 == 100 && (o2 & 0xc0) == 64) continue;
    if (o1 == 169 && o2 == 254) continue;
    if (o1 == 172 && (o2 & 0xf0) == 16) continue;
    if (o1 == 192 && (o2 == 168 || (o2 == 0 && (o3 == 0 || o3 == 2)))) continue;
    if (o1 == 198 && ((o2 & 0xfe) == 18 || (o2 == 51 && o3 == 100))) continue;
    if (o1 == 203 && o2 == 0 && o3 == 113) continue;
    return a;
  }
}

}  // namespace

std::vector<uint8_t> parse_data_hex(std::string_view text) {
  const auto bad = [&] {
    return UsageError("invalid --data " + quoted(text) +
                      ": expected bytes in hex, e.g. 0xdeadbeef, deadbeef or \\xde\\xad\\xbe\\xef");
  };
  std::string_view s = text;
  if (s.starts_with("\\x") || s.starts_with("\\X")) {
    auto bytes = escaped_bytes(s, kMaxDataLength);
    if (!bytes || bytes->empty()) throw bad();
    return *bytes;
  }
  if (s.starts_with("0x") || s.starts_with("0X")) s.remove_prefix(2);
  if (s.empty() || s.size() % 2 != 0) throw bad();
  if (s.size() / 2 > kMaxDataLength)
    throw UsageError("invalid --data: " + std::to_string(s.size() / 2) + " bytes, expected at most " +
                     std::to_string(kMaxDataLength));
  std::vector<uint8_t> out;
  for (size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_digit_value(s[i]), lo = hex_digit_value(s[i + 1]);
    if (hi < 0 || lo < 0) throw bad();
    out.push_back(static_cast<uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::vector<uint8_t> parse_ip_options(std::string_view text, size_t* target_at, size_t* first_hop_at) {
  if (target_at) *target_at = 0;
  if (first_hop_at) *first_hop_at = 0;
  const std::string expected =
      ": expected R, T, U, \"L ADDR...\", \"S ADDR...\" or bytes such as \\x07\\x27\\x04\\x00*36 (at most 40)";
  const auto bad = [&](const std::string& why) { return UsageError("invalid --ip-options " + quoted(text) + why); };
  std::vector<uint8_t> o;
  if (text.starts_with("\\x") || text.starts_with("\\X")) {
    auto bytes = escaped_bytes(text, 40);
    if (!bytes || bytes->empty()) throw bad(expected);
    o = std::move(*bytes);
  } else {
    std::vector<std::string_view> words;
    for (std::string_view w : split(text, ' '))
      if (!w.empty()) words.push_back(w);
    if (words.empty() || words[0].size() != 1) throw bad(expected);
    const char kind = static_cast<char>(std::toupper(static_cast<unsigned char>(words[0][0])));
    if ((kind == 'R' || kind == 'T' || kind == 'U') && words.size() != 1)
      throw bad(": " + std::string(1, kind) + " takes no addresses");
    if (kind == 'R') {  // record route: room for 9 addresses
      o = {7, 39, 4};
      o.resize(39, 0);
    } else if (kind == 'T') {  // timestamps only: 9 of them
      o = {0x44, 40, 5, 0};
      o.resize(40, 0);
    } else if (kind == 'U') {  // address and timestamp pairs: 4 of them
      o = {0x44, 36, 5, 1};
      o.resize(36, 0);
    } else if (kind == 'L' || kind == 'S') {
      // The hops, then the target's slot: one NOP ahead keeps the addresses
      // 4-byte aligned (39 bytes of option and a NOP fill the 40).
      const size_t n = words.size() - 1;
      if (n == 0 || n > 8) throw bad(": a source route takes 1 to 8 hops (the target is the 9th address)");
      o = {1, static_cast<uint8_t>(kind == 'L' ? 0x83 : 0x89), static_cast<uint8_t>(3 + 4 * (n + 1)), 4};
      for (size_t k = 1; k < words.size(); ++k) {
        const auto a = parse_ipv4(words[k]);
        if (!a) throw bad(": \"" + std::string(words[k]) + "\" is not an IPv4 address");
        for (int shift = 24; shift >= 0; shift -= 8) o.push_back(static_cast<uint8_t>(*a >> shift));
      }
      if (first_hop_at) *first_hop_at = 4;
      if (target_at) *target_at = o.size();
      o.insert(o.end(), 4, 0);
    } else {
      throw bad(expected);
    }
  }
  o.resize((o.size() + 3) / 4 * 4, 0);  // end-of-options padding
  if (o.size() > 40) throw bad(": " + std::to_string(o.size()) + " bytes padded, at most 40 fit an IPv4 header");
  return o;
}

DecoySpec parse_decoys(std::string_view text) {
  DecoySpec d;
  const auto bad = [&](const std::string& why) { return UsageError("invalid -D " + quoted(text) + ": " + why); };
  for (std::string_view item : split(text, ',')) {
    if (item.empty()) throw bad("an empty decoy; expected addresses, ME, RND or RND:N separated by commas");
    std::string upper(item);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper == "ME") {
      if (d.me) throw bad("ME given twice");
      d.me = d.sources.size();
      d.sources.push_back(0);
    } else if (upper == "RND") {
      d.sources.push_back(0);
    } else if (upper.starts_with("RND:")) {
      const std::string_view n_text = item.substr(4);
      size_t n = 0;
      bool digits = !n_text.empty() && n_text.size() <= 4;
      for (char c : n_text) {
        if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
        else n = n * 10 + static_cast<size_t>(c - '0');
      }
      if (!digits || n == 0) throw bad("\"" + std::string(item) + "\": expected RND:N with N from 1");
      if (n > kMaxDecoys) throw bad("too many decoys: at most " + std::to_string(kMaxDecoys - 1) + " besides ME");
      d.sources.insert(d.sources.end(), n, 0);
    } else if (auto a = parse_ipv4(item)) {
      if (*a == 0) throw bad("0.0.0.0 cannot be a decoy");
      d.sources.push_back(*a);
    } else {
      throw bad("\"" + std::string(item) + "\" is not an IPv4 address, ME, RND or RND:N (decoy names are not resolved)");
    }
    if (d.sources.size() + (d.me ? 0 : 1) > kMaxDecoys)
      throw bad("too many decoys: at most " + std::to_string(kMaxDecoys - 1) + " besides ME");
  }
  if (d.me && d.sources.size() == 1) throw bad("ME alone is no decoy; expected decoy addresses, RND or RND:N");
  return d;
}

SpoofMacSpec parse_spoof_mac(std::string_view text) {
  SpoofMacSpec m;
  if (text.empty()) throw UsageError("invalid --spoof-mac \"\": expected 0, a MAC, a MAC prefix or a vendor name");
  if (text == "0") return m;
  std::string digits;
  bool hex = true;
  for (char c : text) {
    if (c == ':' || c == '-' || c == '.') continue;
    if (hex_digit_value(c) < 0) hex = false;
    digits += c;
  }
  if (hex && !digits.empty()) {
    if (digits.size() % 2 != 0 || digits.size() > 12)
      throw UsageError("invalid --spoof-mac " + quoted(text) +
                       ": expected a MAC or its first bytes in hex (an even number of digits, at most 12)");
    for (size_t i = 0; i < digits.size(); i += 2)
      m.bytes[m.given++] = static_cast<uint8_t>(hex_digit_value(digits[i]) << 4 | hex_digit_value(digits[i + 1]));
    if (m.bytes[0] & 1)
      throw UsageError("invalid --spoof-mac " + quoted(text) + ": a multicast address cannot be a frame's source");
    return m;
  }
  m.vendor = std::string(text);
  return m;
}

std::array<uint8_t, 6> resolve_spoof_mac(const SpoofMacSpec& spec, const MacVendors& vendors, std::mt19937_64& rng) {
  std::array<uint8_t, 6> mac = spec.bytes;
  size_t given = spec.given;
  if (!spec.vendor.empty()) {
    const auto prefix = vendors.prefix_of(spec.vendor);
    if (!prefix)
      throw UsageError("invalid --spoof-mac \"" + spec.vendor + "\": no vendor of that name in nmap-mac-prefixes (" +
                       std::to_string(vendors.size()) + " prefixes read); expected 0, a MAC, a prefix or a vendor");
    mac = {static_cast<uint8_t>(*prefix >> 16), static_cast<uint8_t>(*prefix >> 8), static_cast<uint8_t>(*prefix)};
    given = 3;
  }
  for (size_t k = given; k < 6; ++k) mac[k] = static_cast<uint8_t>(rng());
  if (given == 0) mac[0] &= 0xfe;  // a random one is unicast
  return mac;
}

bool payload_option_given(const ScanOptions& o) { return o.data_hex || o.data_string || o.data_length; }

bool any_evasion_option(const ScanOptions& o) {
  return o.fragment != 0 || o.mtu || !o.decoys.empty() || payload_option_given(o) || !o.ip_options.empty() ||
         !o.spoof_mac.empty() || o.badsum;
}

void check_evasion_options(const ScanOptions& o) {
  if (int(bool(o.data_hex)) + int(bool(o.data_string)) + int(bool(o.data_length)) > 1)
    throw UsageError("--data, --data-string and --data-length each set the probes' payload: expected one of them");
  if (o.data_hex) parse_data_hex(*o.data_hex);
  if (o.data_string) {
    if (o.data_string->empty()) throw UsageError("invalid --data-string \"\": expected some text");
    if (o.data_string->size() > kMaxDataLength)
      throw UsageError("invalid --data-string: " + std::to_string(o.data_string->size()) +
                       " bytes, expected at most " + std::to_string(kMaxDataLength));
  }
  if (o.fragment > 2) throw UsageError("-f given " + std::to_string(o.fragment) +
                                       " times: expected -f (8-byte fragments) or -ff (16)");
  if (o.mtu && *o.mtu % 8 != 0)
    throw UsageError("invalid --mtu \"" + std::to_string(*o.mtu) +
                     "\": expected a multiple of 8 (fragment offsets count 8-byte units)");
  if (o.fragment && o.mtu)
    throw UsageError("-f and --mtu each set the fragment size: expected one of them");
  if (!o.ip_options.empty()) parse_ip_options(o.ip_options);
  if (!o.decoys.empty()) parse_decoys(o.decoys);
  if (!o.spoof_mac.empty()) parse_spoof_mac(o.spoof_mac);
}

EvasionPlan evasion_plan(const ScanOptions& o, std::mt19937_64& rng) {
  EvasionPlan p;
  p.bad_checksum = o.badsum;
  if (o.data_hex) p.payload = parse_data_hex(*o.data_hex);
  if (o.data_string) p.payload.assign(o.data_string->begin(), o.data_string->end());
  if (o.data_length) {
    p.payload.resize(*o.data_length);
    for (uint8_t& b : p.payload) b = static_cast<uint8_t>(rng());
  }
  if (!o.ip_options.empty()) p.ip_options = parse_ip_options(o.ip_options, &p.route_target_at, &p.route_first_hop_at);
  if (o.fragment) p.fragment_size = static_cast<uint16_t>(8 * o.fragment);
  if (o.mtu) p.fragment_size = static_cast<uint16_t>(*o.mtu);
  if (!o.decoys.empty()) {
    DecoySpec d = parse_decoys(o.decoys);
    if (!d.me) {  // nmap's: ours at a random place among them
      const size_t at = static_cast<size_t>(rng() % (d.sources.size() + 1));
      d.sources.insert(d.sources.begin() + static_cast<long>(at), 0);
      d.me = at;
    }
    for (size_t k = 0; k < d.sources.size(); ++k)
      if (k != *d.me && d.sources[k] == 0) d.sources[k] = random_public_address(rng);
    p.sources = std::move(d.sources);
    p.real_index = *d.me;
  }
  return p;
}

void check_plan_fits(const EvasionPlan& plan, size_t max_probe_frame, unsigned mtu) {
  const FrameShaper shaper(plan, max_probe_frame);
  const size_t datagram = shaper.max_datagram();
  if (datagram > 65535)
    throw UsageError("the probes would be " + std::to_string(datagram) +
                     "-byte IP datagrams, above IPv4's 65535: expected less --data or fewer --ip-options");
  if (mtu == 0) return;
  if (plan.fragment_size == 0 && datagram > mtu)
    throw UsageError("the probes would be IP datagrams of up to " + std::to_string(datagram) +
                     " bytes, above the interface's MTU of " + std::to_string(mtu) +
                     ": expected less --data, or -f/--mtu to send them in fragments");
  const size_t fragment = size_t{20} + plan.ip_options.size() + plan.fragment_size;
  if (plan.fragment_size != 0 && fragment > mtu)
    throw UsageError("--mtu " + std::to_string(plan.fragment_size) + " makes " + std::to_string(fragment) +
                     "-byte fragments, above the interface's MTU of " + std::to_string(mtu) +
                     ": expected a smaller multiple of 8");
}

void refuse_evasion_options(const ScanOptions& o,
                            const std::function<void(const std::string&, const char*)>& refuse) {
  if (o.fragment) refuse(o.fragment > 1 ? "-ff" : "-f", "fragments raw probes");
  if (o.mtu) refuse("--mtu", "sets the fragment size of raw probes");
  if (!o.decoys.empty()) refuse("-D", "sends raw probes from decoy sources");
  if (o.data_hex) refuse("--data", "appends bytes to raw probes");
  if (o.data_string) refuse("--data-string", "appends bytes to raw probes");
  if (o.data_length) refuse("--data-length", "appends bytes to raw probes");
  if (!o.ip_options.empty()) refuse("--ip-options", "sets the IP options of raw probes");
  if (!o.spoof_mac.empty()) refuse("--spoof-mac", "sets the source MAC of raw probes");
  if (o.badsum) refuse("--badsum", "spoils the checksums of raw probes");
}

}  // namespace portsweep
