// Reads -oJ's JSON lines back. The records are flat objects whose values
// are strings and numbers (a service record's "cpe" is an array, skipped),
// so a small reader for exactly that shape is enough.
#include <algorithm>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>

#include "common/error.hpp"
#include "detect/saved_scan.hpp"
#include "targets/ipv4.hpp"
#include "ports/port_set.hpp"

namespace portsweep {

namespace {

struct FlatObject {
  std::map<std::string, std::string, std::less<>> values;  // strings unescaped, numbers as written
};

class FlatJsonReader {
 public:
  explicit FlatJsonReader(std::string_view s) : s_(s) {}

  // Empty on success, else what was wrong.
  std::string read(FlatObject& out) {
    ws();
    if (!eat('{')) return "expected '{'";
    ws();
    if (eat('}')) return {};
    for (;;) {
      ws();
      std::string key;
      if (!string(key)) return "expected a quoted key";
      ws();
      if (!eat(':')) return "expected ':' after \"" + key + "\"";
      ws();
      std::string value;
      if (peek() == '"') {
        if (!string(value)) return "unterminated string for \"" + key + "\"";
      } else if (peek() == '[' || peek() == '{') {
        if (!skip_nested()) return "unterminated array or object for \"" + key + "\"";
      } else {
        while (pos_ < s_.size() && std::string_view(",} \t\r").find(s_[pos_]) == std::string_view::npos) {
          value += s_[pos_++];
        }
        if (value.empty()) return "expected a value for \"" + key + "\"";
      }
      out.values[key] = std::move(value);
      ws();
      if (eat('}')) break;
      if (!eat(',')) return "expected ',' or '}' after \"" + key + "\"";
    }
    ws();
    return pos_ == s_.size() ? std::string() : "unexpected text after the object";
  }

 private:
  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
  }

  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= s_.size()) return false;
      const char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'u': {
          if (pos_ + 4 > s_.size()) return false;
          unsigned code = 0;
          for (std::size_t i = pos_; i < pos_ + 4; ++i) {  // exactly four hex digits
            const char h = s_[i];
            const int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (v < 0) return false;
            code = code * 16 + static_cast<unsigned>(v);
          }
          pos_ += 4;
          // Only control characters are written escaped; keep them as bytes.
          out += static_cast<char>(code & 0xff);
          break;
        }
        default: out += e;
      }
    }
    return false;
  }

  bool skip_nested() {
    int depth = 0;
    while (pos_ < s_.size()) {
      const char c = peek();
      if (c == '"') {
        std::string ignored;
        if (!string(ignored)) return false;
        continue;
      }
      ++pos_;
      if (c == '[' || c == '{') ++depth;
      if ((c == ']' || c == '}') && --depth == 0) return true;
    }
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// "2026-11-21T19:00:00.123456Z" (as -oJ writes it; the fraction may be
// shorter or absent) -> microseconds since the epoch; nullopt unless it is
// exactly that form with a year from 1970 to 9999 and fields in range.
std::optional<int64_t> parse_iso_utc(std::string_view s) {
  auto digits = [&](std::size_t at, std::size_t n, int lo, int hi) -> std::optional<int> {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi) return std::nullopt;
    return v;
  };
  auto at = [&](std::size_t i, char c) { return i < s.size() && s[i] == c; };
  const auto year = digits(0, 4, 1970, 9999), month = digits(5, 2, 1, 12), day = digits(8, 2, 1, 31);
  const auto hour = digits(11, 2, 0, 23), minute = digits(14, 2, 0, 59), second = digits(17, 2, 0, 60);
  if (!year || !month || !day || !hour || !minute || !second || !at(4, '-') || !at(7, '-') || !at(10, 'T') ||
      !at(13, ':') || !at(16, ':')) {
    return std::nullopt;
  }
  std::size_t i = 19;
  int64_t frac_us = 0;
  if (at(i, '.')) {
    int64_t scale = 100000;
    std::size_t start = ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      frac_us += (s[i] - '0') * scale;
      scale /= 10;
    }
    if (i == start || i - start > 9) return std::nullopt;
  }
  if (!at(i, 'Z') || i + 1 != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + frac_us;  // year 9999 is 2.5e17 us: far inside int64_t
}

bool parse_uint(const std::string& s, unsigned max, unsigned& out) {
  if (s.empty() || s.size() > 5 || s.find_first_not_of("0123456789") != std::string::npos) return false;
  out = static_cast<unsigned>(std::stoul(s));
  return out <= max;
}

}  // namespace

SavedScan parse_saved_jsonl(std::istream& in, const std::string& source, std::size_t lines_before) {
  SavedScan scan;
  std::map<Proto, std::set<uint16_t>> ports;
  std::unordered_set<uint32_t> hosts;
  std::string line;
  std::size_t lineno = lines_before;
  auto fail = [&](const std::string& what) {
    throw UsageError(source + ":" + std::to_string(lineno) + ": " + what);
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    FlatObject obj;
    if (std::string why = FlatJsonReader(line).read(obj); !why.empty()) fail(why + " in a JSON line");
    // A service record of an earlier -sV: the port's state record is there too.
    if (obj.values.count("method") != 0) continue;
    auto get = [&](const char* key) -> const std::string& {
      auto it = obj.values.find(key);
      if (it == obj.values.end()) fail(std::string("missing \"") + key + "\"; expected ip, proto, port and state");
      return it->second;
    };
    PortResult r;
    unsigned port = 0;
    const std::optional<uint32_t> addr = parse_ipv4(get("ip"));
    if (!addr) fail("invalid \"ip\" \"" + get("ip") + "\": expected an IPv4 address");
    r.ip = *addr;
    if (!parse_proto(get("proto"), r.proto)) {
      fail("invalid \"proto\" \"" + get("proto") + "\": expected tcp, udp, sctp or ip");
    }
    // -sO's results are "ip" with the protocol number as their port.
    if (r.proto == Proto::Ip) {
      if (!parse_uint(get("port"), 255, port)) {
        fail("invalid \"port\" " + get("port") + " of an \"ip\" result: expected a protocol number 0-255");
      }
    } else if (!parse_uint(get("port"), 65535, port)) {
      fail("invalid \"port\" " + get("port") + ": expected 0-65535");
    }
    r.port = static_cast<uint16_t>(port);
    if (!parse_port_state(get("state"), r.state)) {
      fail("invalid \"state\" \"" + get("state") + "\": expected one of nmap's port states");
    }
    if (auto it = obj.values.find("reason"); it != obj.values.end() && !parse_reason(it->second, r.reason)) {
      fail("invalid \"reason\" \"" + it->second + "\": expected one of nmap's reasons");
    }
    if (auto it = obj.values.find("ttl"); it != obj.values.end()) {
      unsigned ttl = 0;
      if (!parse_uint(it->second, 255, ttl)) fail("invalid \"ttl\" " + it->second + ": expected 0-255");
      r.ttl = static_cast<uint8_t>(ttl);
    }
    if (auto it = obj.values.find("time"); it != obj.values.end()) {
      const std::optional<int64_t> us = parse_iso_utc(it->second);
      if (!us) {
        fail("invalid \"time\" \"" + it->second +
             "\": expected a UTC time as -oJ writes it, 1970 to 9999, like 2026-11-21T19:00:00.000000Z");
      }
      r.time_us = *us;
    }
    if (scan.start_time_us == 0 || (r.time_us != 0 && r.time_us < scan.start_time_us)) scan.start_time_us = r.time_us;
    ports[r.proto].insert(r.port);
    hosts.insert(r.ip);
    scan.results.push_back(r);
  }
  // Only answered ports are written, so the port list is what answered
  // somewhere: every host's other ports then count as unanswered, as they were.
  for (const auto& [proto, set] : ports) {
    ScanKind k;
    // The file does not say which TCP scan it was; -sS is the default.
    k.type = proto == Proto::Udp ? "udp" : proto == Proto::Sctp ? "sctpinit" : proto == Proto::Ip ? "ipproto" : "syn";
    k.proto = proto;
    const std::vector<uint16_t> list(set.begin(), set.end());
    k.services = format_port_ranges(list);
    k.num_services = static_cast<uint32_t>(list.size());
    scan.scans.push_back(k);
  }
  scan.num_targets = hosts.size();
  return scan;
}

}  // namespace portsweep
