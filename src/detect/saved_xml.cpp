// Reads an nmap XML report back. Only a handful of elements matter and each
// carries its data in attributes, so the reader walks the tags in order
// (comments, the prolog and text between tags are skipped) instead of
// building a document tree.
#include <charconv>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

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

  // "FILE:LINE: what", LINE being the one where the last tag read ends.
  [[noreturn]] void refuse(const std::string& what) const {
    throw UsageError(source_ + ":" + std::to_string(line()) + ": " + what);
  }

  // The attribute `key` of `tag` as a whole number from 0 to `max`; 0 when
  // the attribute is absent. Anything else (a sign, text, a number past
  // `max`) is refused with `expected` before it can overflow anything.
  uint64_t number(const Tag& tag, std::string_view key, uint64_t max, std::string_view expected) const {
    const std::string text = tag.get(key);
    if (text.empty()) return 0;
    uint64_t value = 0;
    const bool digits = text.find_first_not_of("0123456789") == std::string::npos;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!digits || error != std::errc() || end != text.data() + text.size() || value > max) {
      refuse(std::string(key) + "=\"" + text + "\" of <" + tag.name + "> is not a whole number from 0 to " +
             std::to_string(max) + "; expected " + std::string(expected));
    }
    return value;
  }

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

constexpr std::string_view kSeconds = "seconds since 1970, up to the year 9999";

std::optional<uint16_t> port_number(std::string_view text) {
  uint16_t value = 0;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "21-25,80" -> the ranges {21,25} and {80,80}; nullopt if any piece is not
// a port or a FIRST-LAST range of ports.
std::optional<std::vector<std::pair<uint16_t, uint16_t>>> port_ranges(std::string_view list) {
  std::vector<std::pair<uint16_t, uint16_t>> out;
  std::size_t pos = 0;
  while (pos <= list.size()) {
    std::size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos) comma = list.size();
    const std::string_view piece = list.substr(pos, comma - pos);
    const std::size_t dash = piece.find('-');
    const std::optional<uint16_t> lo = port_number(piece.substr(0, dash));
    const std::optional<uint16_t> hi = dash == std::string_view::npos ? lo : port_number(piece.substr(dash + 1));
    if (!lo || !hi || *lo > *hi) return std::nullopt;
    out.emplace_back(*lo, *hi);
    pos = comma + 1;
  }
  return out;
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
      reader.refuse("unknown port state \"" + s + "\"; expected one of nmap's (open, closed, filtered, unfiltered, "
                    "open|filtered, closed|filtered)");
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
      scan.start_time_us = static_cast<int64_t>(reader.number(tag, "start", kMaxSavedTimeSeconds, kSeconds)) * 1000000;
    } else if (tag.name == "scaninfo") {
      ScanKind k;
      k.type = tag.get("type");
      const auto services = reader.number(tag, "numservices", 65536, "the number of ports scanned, at most 65536");
      if (!parse_proto(tag.get("protocol"), k.proto)) continue;
      k.services = tag.get("services");
      k.num_services = static_cast<uint32_t>(services);
      scan.scans.push_back(k);
    } else if (tag.name == "host") {
      in_host = true;
      host_ipv4 = false;
      host_time_us = static_cast<int64_t>(reader.number(tag, "starttime", kMaxSavedTimeSeconds, kSeconds)) * 1000000;
      reader.number(tag, "endtime", kMaxSavedTimeSeconds, kSeconds);  // unused, but a file saying it is checked
    } else if (tag.name == "/host") {
      in_host = false;
      hosts_seen += host_ipv4;
    } else if (in_host && tag.name == "address" && tag.get("addrtype") == "ipv4") {
      const std::optional<uint32_t> addr = parse_ipv4(tag.get("addr"));
      host_ipv4 = addr.has_value();
      ip = addr.value_or(0);
    } else if (in_host && host_ipv4 && tag.name == "port") {
      const std::optional<uint16_t> portid = port_number(tag.get("portid"));
      if (!portid) {
        reader.refuse("portid=\"" + tag.get("portid") + "\" of <port> is not a port number; expected 0-65535");
      }
      in_port = parse_proto(tag.get("protocol"), port.proto);
      // A protocol scan's "port" is a protocol number.
      if (in_port && port.proto == Proto::Ip && *portid > 255)
        reader.refuse("portid=\"" + tag.get("portid") + "\" of an ip <port> is not a protocol number; expected 0-255");
      port.ip = ip;
      port.port = *portid;
    } else if (in_port && tag.name == "state") {
      port.state = state_of(tag.get("state"));
      port.reason = reason_of(tag.get("reason"), port.state);
      port.ttl = static_cast<uint8_t>(reader.number(tag, "reason_ttl", 255, "a TTL from 0 to 255"));
      port.time_us = host_time_us;
      scan.results.push_back(port);
      in_port = false;
    } else if (tag.name == "/port") {
      in_port = false;
    } else if (in_host && host_ipv4 && tag.name == "extraports") {
      in_extra = true;
      extra_state = state_of(tag.get("state"));
      // nmap lists every open port as a <port>; an open range here would
      // ask for a version probe of each of its ports.
      if (extra_state == PortState::Open) {
        reader.refuse("<extraports state=\"open\"> folds open ports into a count; expected open ports listed one "
                      "by one as <port> elements, as nmap writes them");
      }
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
      const std::string list = tag.get("ports");
      std::optional<std::vector<std::pair<uint16_t, uint16_t>>> ranges;
      if (list.empty()) ranges.emplace();  // nmap before 7.9x gives only the count
      else ranges = port_ranges(list);
      if (!ranges) {
        reader.refuse("ports=\"" + list + "\" of <extrareasons> is not a list of ports; expected ports and "
                      "FIRST-LAST ranges from 0 to 65535, as in 21-25,80");
      }
      // Unanswered ports are not results: the report counts them anyway.
      if (r.reason == Reason::NoResponse) continue;
      for (const auto& [first, last] : *ranges) scan.runs.push_back({r, first, last});
    } else if (tag.name == "hosts") {
      scan.num_targets = reader.number(tag, "total", uint64_t{1} << 32, "the number of addresses scanned, at most 2^32");
    }
  }
  if (!seen_root) throw UsageError(source + ": no <nmaprun> element; expected an nmap XML report (-oX)");
  if (scan.num_targets == 0) scan.num_targets = hosts_seen;
  return scan;
}

}  // namespace portsweep
