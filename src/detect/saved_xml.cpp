// Reads an nmap XML report back. Only a handful of elements matter and each
// carries its data in attributes, so the reader walks the tags in order
// (comments, the prolog and text between tags are skipped) instead of
// building a document tree.
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>

#include "common/error.hpp"
#include "detect/saved_scan.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

namespace {

struct Tag {
  std::string name;  // "port"; "/port" for a closing tag
  std::map<std::string, std::string, std::less<>> attrs;

  std::string get(std::string_view key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? std::string() : it->second;
  }
};

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t end = s.find(';', i);
    if (end == std::string_view::npos) {
      out += s[i];
      continue;
    }
    const std::string_view ent = s.substr(i + 1, end - i - 1);
    if (ent == "amp") out += '&';
    else if (ent == "lt") out += '<';
    else if (ent == "gt") out += '>';
    else if (ent == "quot") out += '"';
    else if (ent == "apos") out += '\'';
    else if (!ent.empty() && ent[0] == '#') {
      const bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      const long code = std::strtol(std::string(ent.substr(hex ? 2 : 1)).c_str(), nullptr, hex ? 16 : 10);
      out += static_cast<char>(code & 0xff);  // nmap escapes only ASCII this way
    } else {
      out.append(s.substr(i, end - i + 1));
    }
    i = end;
  }
  return out;
}

class TagReader {
 public:
  TagReader(std::string_view text, const std::string& source) : s_(text), source_(source) {}

  // The next start or end tag; false at the end of the text.
  bool next(Tag& tag) {
    for (;;) {
      const std::size_t lt = s_.find('<', pos_);
      if (lt == std::string_view::npos) return false;
      pos_ = lt;
      if (s_.compare(pos_, 4, "<!--") == 0) {
        skip_past("-->");
        continue;
      }
      if (s_.compare(pos_, 2, "<?") == 0) {
        skip_past("?>");
        continue;
      }
      if (s_.compare(pos_, 2, "<!") == 0) {
        skip_past(">");
        continue;
      }
      return read_tag(tag);
    }
  }

 private:
  std::size_t line() const {
    std::size_t n = 1;
    for (std::size_t i = 0; i < pos_ && i < s_.size(); ++i) n += s_[i] == '\n';
    return n;
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw UsageError(source_ + ":" + std::to_string(line()) + ": " + what + " in the XML report");
  }
  void skip_past(std::string_view end) {
    const std::size_t e = s_.find(end, pos_);
    if (e == std::string_view::npos) fail("unterminated markup");
    pos_ = e + end.size();
  }
  static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

  bool read_tag(Tag& tag) {
    tag = Tag{};
    ++pos_;  // '<'
    std::size_t start = pos_;
    while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '>' && s_[pos_] != '/') ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '/' && pos_ == start) {  // "</name>"
      ++pos_;
      while (pos_ < s_.size() && !is_space(s_[pos_]) && s_[pos_] != '>') ++pos_;
    }
    tag.name = std::string(s_.substr(start, pos_ - start));
    if (tag.name.empty()) fail("a tag without a name");
    for (;;) {
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size()) fail("unterminated <" + tag.name + ">");
      if (s_[pos_] == '>') {
        ++pos_;
        return true;
      }
      if (s_[pos_] == '/') {
        ++pos_;
        continue;
      }
      start = pos_;
      while (pos_ < s_.size() && s_[pos_] != '=' && !is_space(s_[pos_]) && s_[pos_] != '>') ++pos_;
      const std::string key(s_.substr(start, pos_ - start));
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || s_[pos_] != '=') fail("attribute \"" + key + "\" of <" + tag.name + "> has no value");
      ++pos_;
      while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
        fail("attribute \"" + key + "\" of <" + tag.name + "> is not quoted");
      }
      const char quote = s_[pos_++];
      const std::size_t end = s_.find(quote, pos_);
      if (end == std::string_view::npos) fail("unterminated attribute \"" + key + "\"");
      tag.attrs[key] = xml_unescape(s_.substr(pos_, end - pos_));
      pos_ = end + 1;
    }
  }

  std::string_view s_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

// strtoll rather than atoll: a number too large saturates instead of being
// undefined behaviour.
long long number(const std::string& s) { return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10); }

// An attribute in seconds since the epoch ("start", "starttime"), as
// microseconds; 0 when absent. One that does not fit in 64-bit microseconds
// (about 292,000 years) is not a time nmap wrote.
int64_t epoch_us(const Tag& tag, std::string_view attr, const std::string& source) {
  const long long seconds = number(tag.get(attr));
  constexpr long long kMax = std::numeric_limits<int64_t>::max() / 1000000;
  if (seconds > kMax || seconds < -kMax) {
    throw UsageError(source + ": <" + tag.name + "> " + std::string(attr) + "=\"" + tag.get(attr) +
                     "\" is out of range in the XML report; expected seconds since the epoch");
  }
  return seconds * 1000000;
}

// "21-25,80" -> each port; pieces that do not parse are skipped.
template <typename Fn>
void for_each_port(const std::string& list, Fn fn) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string::npos) comma = list.size();
    const std::string piece = list.substr(pos, comma - pos);
    unsigned lo = 0, hi = 0;
    if (std::sscanf(piece.c_str(), "%u-%u", &lo, &hi) == 2 && lo <= hi && hi <= 65535) {
      for (unsigned p = lo; p <= hi; ++p) fn(static_cast<uint16_t>(p));
    } else if (std::sscanf(piece.c_str(), "%u", &lo) == 1 && lo <= 65535) {
      fn(static_cast<uint16_t>(lo));
    }
    pos = comma + 1;
  }
}

}  // namespace

SavedScan parse_saved_xml(std::string_view text, const std::string& source) {
  SavedScan scan;
  TagReader reader(text, source);
  Tag tag;
  bool seen_root = false;
  bool in_host = false;
  bool host_ipv4 = false;
  uint32_t ip = 0;
  int64_t host_time_us = 0;
  uint64_t hosts_seen = 0;
  // The <port> being read: its <state> child completes it.
  PortResult port;
  bool in_port = false;
  // The <extraports> being read.
  PortState extra_state = PortState::Closed;
  bool in_extra = false;

  auto state_of = [&](const std::string& s) {
    PortState st;
    if (!parse_port_state(s, st)) {
      throw UsageError(source + ": unknown port state \"" + s + "\" in the XML report; expected one of nmap's");
    }
    return st;
  };
  // nmap has reasons portsweep does not ("conn-refused" of a connect scan);
  // those fall back to the usual reason of the state.
  auto reason_of = [](const std::string& s, PortState st) {
    Reason r;
    if (parse_reason(s, r)) return r;
    return st == PortState::Open ? Reason::SynAck : st == PortState::Closed ? Reason::Reset : Reason::NoResponse;
  };

  while (reader.next(tag)) {
    if (tag.name == "nmaprun") {
      seen_root = true;
      scan.args = tag.get("args");
      scan.start_time_us = epoch_us(tag, "start", source);
    } else if (tag.name == "scaninfo") {
      ScanKind k;
      k.type = tag.get("type");
      if (!parse_proto(tag.get("protocol"), k.proto)) continue;
      k.services = tag.get("services");
      k.num_services = static_cast<uint32_t>(number(tag.get("numservices")));
      scan.scans.push_back(k);
    } else if (tag.name == "host") {
      in_host = true;
      host_ipv4 = false;
      host_time_us = epoch_us(tag, "starttime", source);
    } else if (tag.name == "/host") {
      in_host = false;
      hosts_seen += host_ipv4;
    } else if (in_host && tag.name == "address" && tag.get("addrtype") == "ipv4") {
      const std::optional<uint32_t> addr = parse_ipv4(tag.get("addr"));
      host_ipv4 = addr.has_value();
      ip = addr.value_or(0);
    } else if (in_host && host_ipv4 && tag.name == "port") {
      unsigned portid = 0;
      // A protocol scan's "port" is a protocol number.
      in_port = parse_proto(tag.get("protocol"), port.proto) &&
                std::sscanf(tag.get("portid").c_str(), "%u", &portid) == 1 &&
                portid <= (port.proto == Proto::Ip ? 255u : 65535u);
      port.ip = ip;
      port.port = static_cast<uint16_t>(portid);
    } else if (in_port && tag.name == "state") {
      port.state = state_of(tag.get("state"));
      port.reason = reason_of(tag.get("reason"), port.state);
      port.ttl = static_cast<uint8_t>(number(tag.get("reason_ttl")));
      port.time_us = host_time_us;
      scan.results.push_back(port);
      in_port = false;
    } else if (tag.name == "/port") {
      in_port = false;
    } else if (in_host && host_ipv4 && tag.name == "extraports") {
      in_extra = true;
      extra_state = state_of(tag.get("state"));
    } else if (tag.name == "/extraports") {
      in_extra = false;
    } else if (in_extra && tag.name == "extrareasons") {
      // nmap 7.9x lists the ports; without the list they stay counted as the
      // scan's unanswered ports, which is all that can be said of them.
      PortResult r;
      r.ip = ip;
      r.state = extra_state;
      r.reason = reason_of(tag.get("reason"), extra_state);
      r.time_us = host_time_us;
      if (!parse_proto(tag.get("proto"), r.proto)) r.proto = Proto::Tcp;
      // Unanswered ports are not results: the report counts them anyway.
      if (r.reason == Reason::NoResponse) continue;
      for_each_port(tag.get("ports"), [&](uint16_t p) {
        if (r.proto == Proto::Ip && p > 255) return;
        r.port = p;
        scan.results.push_back(r);
      });
    } else if (tag.name == "hosts") {
      scan.num_targets = static_cast<uint64_t>(number(tag.get("total")));
    }
  }
  if (!seen_root) throw UsageError(source + ": no <nmaprun> element; expected an nmap XML report (-oX)");
  if (scan.num_targets == 0) scan.num_targets = hosts_seen;
  return scan;
}

}  // namespace portsweep
