// The reader of nmap-service-probes text. One directive per line; the first
// malformed line stops the load with "FILE:LINE: problem; expected …", since a
// half-read database would silently mis-identify services.
#include <charconv>
#include <chrono>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/error.hpp"
#include "common/hex_digit.hpp"
#include "detect/service_probes.hpp"
#include "detect/version_match_prefilter.hpp"
#include "detect/version_match_template.hpp"

namespace portsweep {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

// Thrown inside one line's parse; the caller adds FILE:LINE.
struct LineError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A cursor over the text of one directive.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  std::string_view rest() const { return text_.substr(pos_); }

  void skip_spaces() {
    while (!at_end() && is_space(text_[pos_])) ++pos_;
  }
  // A run of non-space characters (after leading spaces).
  std::string_view word() {
    skip_spaces();
    size_t start = pos_;
    while (!at_end() && !is_space(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }
  // The text up to the next `delim`, consuming both; nmap's format has no
  // way to escape the delimiter, which is why each line may pick its own.
  std::string_view delimited(char delim, std::string_view what) {
    size_t end = text_.find(delim, pos_);
    if (end == std::string_view::npos) {
      throw LineError(std::string(what) + " has no closing '" + delim + "'; expected " +
                      std::string(what) + " to end with the character it began with");
    }
    std::string_view body = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return body;
  }
  char take() { return at_end() ? '\0' : text_[pos_++]; }
  // The characters up to the next space (flags after a closing delimiter).
  std::string_view until_space() {
    size_t start = pos_;
    while (!at_end() && !is_space(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

// Probe strings use C's escapes; \xHH takes exactly two hex digits and \0 is
// a NUL byte on its own (the file writes \0\x01, never octal).
std::string unescape_probe_string(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) throw LineError("probe string ends in a lone backslash; expected an escape after '\\'");
    char e = s[i];
    switch (e) {
      case '0': out += '\0'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        int hi = i + 1 < s.size() ? hex_digit_value(s[i + 1]) : -1;
        int lo = i + 2 < s.size() ? hex_digit_value(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
          throw LineError("bad escape in probe string; expected two hex digits after \\x");
        }
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        break;
      }
      default:
        // Punctuation stands for itself (\" \| \'); a letter or digit is a
        // typo or an escape this format does not have.
        if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '1' && e <= '9')) {
          throw LineError(std::string("unknown escape \\") + e +
                          " in probe string; expected one of \\0 \\a \\b \\f \\n \\r \\t \\v \\\\ \\xHH");
        }
        out += e;
    }
  }
  return out;
}

unsigned parse_number(std::string_view text, unsigned max, std::string_view what) {
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value > max) {
    throw LineError("invalid " + std::string(what) + " \"" + std::string(text) + "\"; expected a number 0-" +
                    std::to_string(max));
  }
  return value;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parts;
}

// "80", "80-85" (and for Exclude, nmap's open ends "-1024", "60000-").
std::pair<uint16_t, uint16_t> parse_range(std::string_view item, std::string_view what) {
  if (item.empty()) throw LineError("empty entry in " + std::string(what) + "; expected PORT or PORT-PORT");
  size_t dash = item.find('-');
  if (dash == std::string_view::npos) {
    auto port = static_cast<uint16_t>(parse_number(item, 65535, "port in " + std::string(what)));
    return {port, port};
  }
  std::string_view a = item.substr(0, dash);
  std::string_view b = item.substr(dash + 1);
  unsigned first = a.empty() ? 1 : parse_number(a, 65535, "port in " + std::string(what));
  unsigned last = b.empty() ? 65535 : parse_number(b, 65535, "port in " + std::string(what));
  if (first > last) {
    throw LineError("port range \"" + std::string(item) + "\" in " + std::string(what) +
                    " runs backwards; expected FIRST-LAST with FIRST <= LAST");
  }
  return {static_cast<uint16_t>(first), static_cast<uint16_t>(last)};
}

PortRanges parse_port_list(std::string_view text, std::string_view what) {
  if (text.empty()) throw LineError(std::string(what) + " has no ports; expected a list like 21,80-85");
  PortRanges ranges;
  for (std::string_view item : split_commas(text)) {
    auto [first, last] = parse_range(item, what);
    ranges.add(first, last);
  }
  return ranges;
}

constexpr std::string_view kDirectives =
    "Exclude, Probe, match, softmatch, ports, sslports, rarity, fallback, totalwaitms or tcpwrappedms";

}  // namespace

class ServiceProbeParser {
 public:
  ServiceProbeParser(std::string source, ServiceProbeLoadOptions options) : options_(options) {
    db_.source_ = std::move(source);
  }

  ServiceProbeDb run(std::istream& in) {
    auto started = std::chrono::steady_clock::now();
    std::string text;
    while (std::getline(in, text)) {
      ++line_;
      try {
        directive(text);
      } catch (const LineError& e) {
        fail(e.what());
      } catch (const std::invalid_argument& e) {  // from the template checker
        fail(e.what());
      }
    }
    if (in.bad()) throw RuntimeFailure("cannot read service probes file \"" + db_.source_ + "\"");
    if (db_.probes_.empty()) {
      line_ = 0;
      fail("no Probe directive; expected at least one probe (\"Probe TCP NULL q||\")");
    }
    for (size_t i = 0; i < db_.probes_.size(); ++i) {
      const ServiceProbe& p = db_.probes_[i];
      if (p.proto == Proto::Tcp && p.is_null()) {
        db_.null_index_ = i;
        break;
      }
    }
    resolve_fallbacks();
    auto parsed = std::chrono::steady_clock::now();
    if (options_.first_byte_index) {
      for (const ServiceProbe& p : db_.probes_) {
        db_.indexes_.emplace_back(p.matches);
        db_.stats_.first_byte_indexed += db_.indexes_.back().indexed();
      }
    }
    auto compiled = std::chrono::steady_clock::now();
    auto us = [](auto d) { return std::chrono::duration_cast<std::chrono::microseconds>(d); };
    db_.stats_.parse_time = us(parsed - started - regex_time_);
    db_.stats_.compile_time = us(regex_time_ + (compiled - parsed));
    if (options_.prefilter && ProbePrefilter::available()) {
      build_prefilters();
      db_.stats_.prefilter_time = us(std::chrono::steady_clock::now() - compiled);
    }
    db_.stats_.probes = db_.probes_.size();
    return std::move(db_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    std::string where = line_ > 0 ? db_.source_ + ":" + std::to_string(line_) : db_.source_;
    throw UsageError(where + ": " + what);
  }

  ServiceProbe& current(std::string_view keyword) {
    if (db_.probes_.empty()) {
      throw LineError(std::string(keyword) + " before any Probe directive; expected a Probe line first");
    }
    return db_.probes_.back();
  }

  void directive(std::string_view text) {
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    Cursor c(text);
    c.skip_spaces();
    if (c.at_end() || c.peek() == '#') return;
    std::string_view keyword = c.word();
    c.skip_spaces();
    if (keyword == "Probe") return probe(c);
    if (keyword == "match") return match(c, false);
    if (keyword == "softmatch") return match(c, true);
    if (keyword == "ports") return port_list(c, false);
    if (keyword == "sslports") return port_list(c, true);
    if (keyword == "rarity") return rarity(c);
    if (keyword == "fallback") return fallback(c);
    if (keyword == "totalwaitms") return wait_ms(c, keyword, current(keyword).total_wait);
    if (keyword == "tcpwrappedms") return wait_ms(c, keyword, current(keyword).tcpwrapped);
    if (keyword == "Exclude") return exclude(c);
    throw LineError("unknown directive \"" + std::string(keyword) + "\"; expected " + std::string(kDirectives));
  }

  void probe(Cursor& c) {
    ServiceProbe p;
    p.line = line_;
    std::string_view proto = c.word();
    if (proto == "TCP") {
      p.proto = Proto::Tcp;
    } else if (proto == "UDP") {
      p.proto = Proto::Udp;
    } else {
      throw LineError("Probe protocol \"" + std::string(proto) + "\"; expected TCP or UDP");
    }
    p.name = std::string(c.word());
    if (p.name.empty()) throw LineError("Probe has no name; expected Probe TCP|UDP NAME q|STRING|");
    c.skip_spaces();
    if (c.take() != 'q' || c.at_end()) {
      throw LineError("Probe " + p.name + " has no probe string; expected q|STRING| after the name");
    }
    char delim = c.take();
    p.payload = unescape_probe_string(c.delimited(delim, "the probe string"));
    std::string_view option = c.word();
    if (option == "no-payload") {
      p.no_payload = true;
      option = c.word();
    }
    if (!option.empty()) {
      throw LineError("unexpected \"" + std::string(option) + "\" after the probe string; expected nothing or no-payload");
    }
    if (!probe_names_.insert(std::string(proto) + "/" + p.name).second) {
      throw LineError("second " + std::string(proto) + " probe named " + p.name + "; expected probe names to be unique");
    }
    seen_ = {};
    db_.probes_.push_back(std::move(p));
  }

  void match(Cursor& c, bool soft) {
    std::string_view keyword = soft ? "softmatch" : "match";
    ServiceProbe& p = current(keyword);
    VersionMatch m;
    m.soft = soft;
    m.line = line_;
    m.service = std::string(c.word());
    if (m.service.empty()) throw LineError(std::string(keyword) + " has no service; expected " +
                                           std::string(keyword) + " SERVICE m/REGEX/[is] …");
    c.skip_spaces();
    if (c.take() != 'm' || c.at_end()) {
      throw LineError(std::string(keyword) + " " + m.service + " has no pattern; expected m/REGEX/ after the service");
    }
    char delim = c.take();
    m.pattern = std::string(c.delimited(delim, "the pattern"));
    for (char flag : c.until_space()) {
      if (flag == 'i') {
        m.caseless = true;
      } else if (flag == 's') {
        m.dotall = true;
      } else {
        throw LineError(std::string("unknown pattern flag '") + flag + "'; expected i or s");
      }
    }
    version_fields(c, m);
    // Compiled as its line is read, as nmap does: a pattern PCRE2 rejects
    // would never match, so the file is refused at that line rather than
    // loaded with a service silently missing.
    const auto started = std::chrono::steady_clock::now();
    m.compile(options_.jit);
    regex_time_ += std::chrono::steady_clock::now() - started;
    if (!m.usable()) {
      throw LineError(std::string(keyword) + " " + m.service + ": regular expression \"" + m.pattern +
                      "\" does not compile: " + m.regex().error() + "; expected an expression PCRE2 accepts");
    }
    if (m.regex().jitted()) ++db_.stats_.jitted;
    (soft ? db_.stats_.softmatches : db_.stats_.matches)++;
    p.matches.push_back(std::move(m));
  }

  void version_fields(Cursor& c, VersionMatch& m) {
    while (true) {
      c.skip_spaces();
      if (c.at_end()) return;
      if (c.rest().substr(0, 4) == "cpe:") {
        for (int i = 0; i < 4; ++i) c.take();
        if (c.at_end()) throw LineError("cpe: has no value; expected cpe:/PART:VENDOR:PRODUCT/");
        char delim = c.take();
        VersionMatch::Cpe cpe;
        cpe.templ = std::string(c.delimited(delim, "the cpe: value"));
        if (cpe.templ.size() < 2 || (cpe.templ[0] != 'a' && cpe.templ[0] != 'h' && cpe.templ[0] != 'o') ||
            cpe.templ[1] != ':') {
          throw LineError("cpe: value \"" + cpe.templ + "\" has no part; expected cpe:/a:…/, cpe:/h:…/ or cpe:/o:…/");
        }
        for (char flag : c.until_space()) {
          if (flag != 'a') throw LineError(std::string("unknown cpe flag '") + flag + "'; expected a");
          cpe.a_flag = true;
        }
        check_version_template(cpe.templ);
        m.cpes.push_back(std::move(cpe));
        continue;
      }
      char key = c.take();
      static constexpr std::string_view kKeys = "pvihod";
      size_t field = kKeys.find(key);
      if (field == std::string_view::npos || c.at_end()) {
        throw LineError("unexpected \"" + std::string(1, key) + std::string(c.until_space()) +
                        "\" in the version fields; expected p/ v/ i/ h/ o/ d/ or cpe:/");
      }
      char delim = c.take();
      std::string value(c.delimited(delim, std::string(1, key) + "/ field"));
      if (!c.at_end() && !is_space(c.peek())) {
        throw LineError("unexpected \"" + std::string(c.until_space()) + "\" after the " + std::string(1, key) +
                        " field; expected a space before the next field");
      }
      if (!m.fields[field].empty()) {
        throw LineError(std::string(1, key) + "/ field given twice; expected each field at most once");
      }
      check_version_template(value);
      m.fields[field] = std::move(value);
    }
  }

  void port_list(Cursor& c, bool ssl) {
    std::string_view keyword = ssl ? "sslports" : "ports";
    ServiceProbe& p = current(keyword);
    bool& seen = ssl ? seen_.sslports : seen_.ports;
    if (seen) throw LineError(std::string(keyword) + " given twice for probe " + p.name + "; expected one line");
    seen = true;
    std::string_view list = c.word();
    if (!c.word().empty()) throw LineError(std::string(keyword) + " list has spaces; expected 21,80-85 with no spaces");
    (ssl ? p.sslports : p.ports) = parse_port_list(list, keyword);
  }

  void rarity(Cursor& c) {
    ServiceProbe& p = current("rarity");
    std::string_view value = c.word();
    unsigned r = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), r);
    if (value.empty() || error != std::errc() || end != value.data() + value.size() || r < 1 || r > 9 ||
        !c.word().empty()) {
      throw LineError("invalid rarity \"" + std::string(value) + "\"; expected a number 1-9");
    }
    p.rarity = static_cast<int>(r);
  }

  void fallback(Cursor& c) {
    ServiceProbe& p = current("fallback");
    if (seen_.fallback) throw LineError("fallback given twice for probe " + p.name + "; expected one line");
    seen_.fallback = true;
    std::string_view list = c.word();
    if (list.empty() || !c.word().empty()) {
      throw LineError("invalid fallback list; expected probe names separated by commas, no spaces");
    }
    std::vector<std::string> names;
    for (std::string_view name : split_commas(list)) {
      if (name.empty()) throw LineError("empty name in the fallback list; expected PROBE[,PROBE…]");
      names.emplace_back(name);
    }
    pending_fallbacks_.push_back({db_.probes_.size() - 1, line_, std::move(names)});
  }

  void wait_ms(Cursor& c, std::string_view keyword, std::chrono::milliseconds& out) {
    std::string_view value = c.word();
    unsigned ms = 0;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), ms);
    if (value.empty() || error != std::errc() || end != value.data() + value.size() || !c.word().empty()) {
      throw LineError("invalid " + std::string(keyword) + " \"" + std::string(value) +
                      "\"; expected a whole number of milliseconds");
    }
    out = std::chrono::milliseconds(ms);
  }

  // nmap's -p syntax restricted to numbers: T:/U:/S: prefixes apply up to the
  // next prefix; unprefixed ports apply to both TCP and UDP.
  void exclude(Cursor& c) {
    if (seen_exclude_) throw LineError("Exclude given twice; expected at most one Exclude line");
    seen_exclude_ = true;
    std::string_view list = c.word();
    if (!c.word().empty()) throw LineError("Exclude list has spaces; expected T:9100-9107,U:53 with no spaces");
    bool tcp = true, udp = true;
    for (std::string_view item : split_commas(list)) {
      if (item.size() >= 2 && item[1] == ':') {
        char proto = item[0];
        tcp = proto == 'T' || proto == 't';
        udp = proto == 'U' || proto == 'u';
        if (!tcp && !udp && proto != 'S' && proto != 's') {
          throw LineError(std::string("unknown protocol prefix \"") + proto + ":\" in Exclude; expected T:, U: or S:");
        }
        item.remove_prefix(2);
      }
      auto [first, last] = parse_range(item, "Exclude");
      if (tcp) db_.excluded_tcp_.add(first, last);
      if (udp) db_.excluded_udp_.add(first, last);
    }
  }

  // Names may refer to probes further down the file, so they resolve only
  // once every probe is known: same protocol first (nmap's rule), then the
  // other one (DNSStatusRequestTCP falls back to the UDP DNSStatusRequest).
  void resolve_fallbacks() {
    for (const PendingFallback& pending : pending_fallbacks_) {
      ServiceProbe& p = db_.probes_[pending.probe];
      Proto other = p.proto == Proto::Tcp ? Proto::Udp : Proto::Tcp;
      for (const std::string& name : pending.names) {
        const ServiceProbe* target = db_.find(name, p.proto);
        if (target == nullptr) target = db_.find(name, other);
        if (target == nullptr) {
          line_ = pending.line;
          fail("fallback names unknown probe \"" + name + "\"; expected the name of a Probe in this file");
        }
        p.fallbacks.push_back(target);
      }
    }
  }

  void build_prefilters() {
    db_.prefilters_.resize(db_.probes_.size());
    for (size_t i = 0; i < db_.probes_.size(); ++i) {
      std::shared_ptr<const ProbePrefilter> f = ProbePrefilter::build(db_.probes_[i].matches);
      if (f) {
        db_.stats_.prefiltered += f->accepted();
        db_.stats_.prefilter_rejected += f->rejected();
      }
      db_.prefilters_[i] = std::move(f);
    }
  }

  struct PendingFallback {
    size_t probe;
    size_t line;
    std::vector<std::string> names;
  };
  struct SeenInProbe {
    bool ports = false, sslports = false, fallback = false;
  };

  ServiceProbeLoadOptions options_;
  ServiceProbeDb db_;
  size_t line_ = 0;
  SeenInProbe seen_;
  bool seen_exclude_ = false;
  std::unordered_set<std::string> probe_names_;
  std::vector<PendingFallback> pending_fallbacks_;
  std::chrono::steady_clock::duration regex_time_{};  // PCRE2 compile + JIT, line by line
};

ServiceProbeDb ServiceProbeDb::parse(std::istream& in, std::string source_name, ServiceProbeLoadOptions options) {
  return ServiceProbeParser(std::move(source_name), options).run(in);
}

}  // namespace portsweep
