// Reads -oJ's JSON lines back: one object per line, parsed with
// nlohmann-json (exceptions off: a line that does not parse is discarded and
// reported, never thrown through). Lines are read with a bound, so a file
// without newlines cannot make the reader hold more than kMaxLine bytes, and
// every value is checked for its type and range before it is used.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "detect/saved_records.hpp"
#include "detect/saved_scan.hpp"
#include "ports/port_set.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

namespace {

using Json = nlohmann::json;

// -oJ's lines are a few hundred bytes; a service record with long version
// strings a few KB.
constexpr std::size_t kMaxLine = std::size_t{1} << 20;

// What an "ip" field holds: either family's text form.
const std::string kAnAddress = "an IPv4 or IPv6 address";

// Length of the well-formed UTF-8 sequence at s[i], 0 if there is none.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = b(i);
  if (lead < 0x80) return 1;
  const std::size_t len = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t cp = lead & (len == 2 ? 0x1fu : len == 3 ? 0x0fu : 0x07u);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  return overlong || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ? 0 : len;
}

// -sV's service records copy banner text as the server sent it (nmap's $1),
// which need not be UTF-8, so -oJ can write bytes JSON does not allow; those
// records are skipped anyway. Each such byte becomes U+FFFD so the line still
// parses; a line that is valid UTF-8 is left alone.
void repair_utf8(std::string& line) {
  std::size_t i = 0;
  while (i < line.size()) {
    const std::size_t n = utf8_length(line, i);
    if (n == 0) break;
    i += n;
  }
  if (i == line.size()) return;
  std::string out(line, 0, i);
  while (i < line.size()) {
    const std::size_t n = utf8_length(line, i);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(line, i, n);
      i += n;
    }
  }
  line = std::move(out);
}

// Only runs for a line that did not parse: where and why, from nlohmann's
// parse error ("... column 30: syntax error while parsing object - ...").
class ParseErrorOnly final : public nlohmann::json_sax<Json> {
 public:
  std::string why;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    const std::string_view what = e.what();
    if (const std::size_t at = what.find("column "); at != std::string_view::npos) why = what.substr(at);
    else if (const std::size_t end = what.find("] "); end != std::string_view::npos) why = what.substr(end + 2);
    else why = what;
    return false;
  }
};

std::string why_not_json(const std::string& line) {
  ParseErrorOnly sax;
  Json::sax_parse(line, &sax);
  return sax.why.empty() ? "not JSON" : sax.why;
}

// A value as a message quotes it: a string in quotes, as it is (the message
// is made printable where it is printed), a number or literal as JSON writes
// it, an array or object by its kind.
std::string quoted(const Json& v) {
  if (v.is_string()) return "\"" + v.get_ref<const std::string&>() + "\"";
  if (v.is_array()) return "(an array)";
  if (v.is_object()) return "(an object)";
  return v.dump();
}

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
  // A leap second on 9999-12-31 would be the year 10000: past the bound.
  const int64_t seconds = timegm(&tm);
  if (seconds > kMaxSavedTimeSeconds) return std::nullopt;
  return seconds * 1000000 + frac_us;  // year 9999 is 2.5e17 us: far inside int64_t
}

}  // namespace

void read_jsonl_records(std::istream& in, const std::string& source, std::size_t lines_before, SavedRecordSink& sink) {
  const auto buffer = std::make_unique_for_overwrite<char[]>(kMaxLine + 1);  // not cleared: getline writes it
  std::string line;
  std::size_t lineno = lines_before;
  bool header_sent = false;
  auto fail = [&](const std::string& what) {
    throw UsageError(source + ":" + std::to_string(lineno) + ": " + what);
  };
  auto send_header = [&](SavedHeader h) {
    header_sent = true;
    h.json = true;
    sink.on_header(h);
  };
  for (;;) {
    // At most kMaxLine bytes and the newline; failbit without eofbit means
    // the line goes on past that.
    in.getline(buffer.get(), static_cast<std::streamsize>(kMaxLine + 1));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (in.bad() || (got == 0 && in.eof())) break;
    ++lineno;
    if (in.fail() && !in.eof()) {
      fail("a line longer than " + std::to_string(kMaxLine) +
           " bytes; expected one JSON object per line, as -oJ writes them");
    }
    line.assign(buffer.get(), in.eof() ? got : got - 1);  // without the newline
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    repair_utf8(line);
    const Json obj = Json::parse(line, nullptr, false);
    if (obj.is_discarded()) {
      fail("invalid JSON at " + why_not_json(line) + "; expected one object per line, as -oJ writes them");
    }
    if (!obj.is_object()) {
      fail(std::string("a JSON ") + obj.type_name() + ", not an object; expected one object per line, as -oJ writes them");
    }
    const bool scan_record = obj.contains("scan");
    const bool host_status = !scan_record && obj.contains("status") && !obj.contains("port");
    auto field = [&](const char* key) -> const Json& {
      auto it = obj.find(key);
      if (it == obj.end())
        fail(std::string("missing \"") + key + "\"; expected " +
             (scan_record   ? "the fields of -oJ's scan record"
              : host_status ? "ip, status and reason in a host's status record"
                            : "ip, proto, port and state"));
      return *it;
    };
    // The string `key` holds; `expected` says what it should be otherwise.
    auto text = [&](const Json& v, const char* key, const std::string& expected) -> const std::string& {
      if (!v.is_string()) fail(std::string("invalid \"") + key + "\" " + quoted(v) + ": expected " + expected);
      return v.get_ref<const std::string&>();
    };
    // A whole number from 0 to `max`; anything else (negative, a fraction, a
    // number past uint64_t that JSON reads as a float) is refused.
    auto whole = [&](const Json& v, const char* key, uint64_t max, const std::string& expected) {
      if (!v.is_number_unsigned() || v.get<uint64_t>() > max) {
        fail(std::string("invalid \"") + key + "\" " + quoted(v) + expected);
      }
      return v.get<uint64_t>();
    };
    const auto time_of = [&](const Json& v, const char* key = "time") {
      const std::string kExpected = "a UTC time as -oJ writes it, 1970 to 9999, like 2026-11-21T19:00:00.000000Z";
      const std::string& time = text(v, key, kExpected);
      const std::optional<int64_t> us = parse_iso_utc(time);
      if (!us) fail(std::string("invalid \"") + key + "\" \"" + time + "\": expected " + kExpected);
      return *us;
    };
    auto flag = [&](const char* key, bool otherwise) {
      auto it = obj.find(key);
      if (it == obj.end()) return otherwise;
      if (!it->is_boolean()) fail(std::string("invalid \"") + key + "\" " + quoted(*it) + ": expected true or false");
      return it->get<bool>();
    };
    if (scan_record) {
      const std::string& kind = text(field("scan"), "scan", "\"start\" or \"end\"");
      if (kind == "start") {
        if (header_sent) fail("a second scan start record; expected one, on the first line, as -oJ writes it");
        SavedHeader h;
        h.known = true;
        h.args = text(field("args"), "args", "the command line as a string");
        h.start_time_us = time_of(field("start"), "start");
        h.num_targets = whole(field("targets"), "targets", uint64_t{1} << 32, ": expected the number of addresses scanned");
        if (auto it = obj.find("shard"); it != obj.end()) h.shard = text(*it, "shard", "I/N");
        if (auto it = obj.find("seed"); it != obj.end()) h.seed = whole(*it, "seed", UINT64_MAX, ": expected a whole number");
        h.port_scan = flag("port_scan", true);
        h.version_scan = flag("version_scan", false);
        h.os_scan = flag("os_scan", false);
        const Json& scans = field("scans");
        if (!scans.is_array()) fail("invalid \"scans\" " + quoted(scans) + ": expected an array of scan kinds");
        for (const Json& k : scans) {
          if (!k.is_object()) fail("invalid \"scans\" entry " + quoted(k) + ": expected an object");
          ScanKind sk;
          auto get = [&](const char* key) -> const Json& {
            auto it = k.find(key);
            if (it == k.end()) fail(std::string("a \"scans\" entry without \"") + key + "\"");
            return *it;
          };
          sk.type = text(get("type"), "type", "nmap's scan type name");
          const std::string& proto = text(get("proto"), "proto", "tcp, udp, sctp or ip");
          if (!parse_proto(proto, sk.proto)) fail("invalid \"proto\" \"" + proto + "\": expected tcp, udp, sctp or ip");
          sk.services = text(get("services"), "services", "a port list");
          sk.num_services = static_cast<uint32_t>(whole(get("count"), "count", 65536, ": expected 0-65536"));
          if (auto it = k.find("unanswered"); it != k.end()) {
            PortState st;
            const std::string& word = text(*it, "unanswered", "a port state");
            if (!parse_port_state(word, st)) fail("invalid \"unanswered\" \"" + word + "\": expected a port state");
            sk.no_response_state = st;
          }
          if (auto it = k.find("unanswered_reason"); it != k.end()) {
            const std::string& word = text(*it, "unanswered_reason", "one of nmap's reasons");
            if (!parse_reason(word, sk.no_response_reason))
              fail("invalid \"unanswered_reason\" \"" + word + "\": expected one of nmap's reasons");
          }
          h.scans.push_back(std::move(sk));
        }
        send_header(h);
      } else if (kind == "end") {
        if (!header_sent) send_header({});
        SavedEnding e;
        e.end_time_us = time_of(field("time"));
        if (auto it = obj.find("elapsed"); it != obj.end()) {
          if (!it->is_number() || it->get<double>() < 0) fail("invalid \"elapsed\" " + quoted(*it) + ": expected seconds");
          e.elapsed_s = it->get<double>();
        }
        if (auto it = obj.find("error"); it != obj.end()) e.error = text(*it, "error", "why the scan stopped");
        const std::string& status = text(field("status"), "status", "\"complete\" or \"stopped\"");
        if (status != "complete" && status != "stopped")
          fail("invalid \"status\" \"" + status + "\": expected \"complete\" or \"stopped\"");
        if (status == "stopped" && e.error.empty()) e.error = "stopped";
        if (auto it = obj.find("targets"); it != obj.end()) e.hosts_total = whole(*it, "targets", uint64_t{1} << 32, "");
        if (auto it = obj.find("packets_sent"); it != obj.end()) e.packets_sent = whole(*it, "packets_sent", UINT64_MAX, "");
        if (auto it = obj.find("packets_received"); it != obj.end())
          e.packets_received = whole(*it, "packets_received", UINT64_MAX, "");
        sink.on_ending(e);
      } else {
        fail("invalid \"scan\" \"" + kind + "\": expected \"start\" or \"end\"");
      }
      if (!sink.wants_more()) return;
      continue;
    }
    if (!header_sent) send_header({});
    const std::string& ip_text = text(field("ip"), "ip", kAnAddress);
    const std::optional<IpAddress> addr = IpAddress::parse(ip_text);
    if (!addr) fail("invalid \"ip\" \"" + ip_text + "\": expected " + kAnAddress);
    if (obj.contains("trace")) {  // --traceroute's route to a host: {"ip":..,"trace":[{"ttl":..,"ip":..,"rtt_us":..}]}
      const Json& hops = field("trace");
      if (!hops.is_array()) fail("invalid \"trace\" " + quoted(hops) + ": expected an array of hops");
      std::vector<TraceHop> route;
      for (const Json& hop : hops) {
        if (!hop.is_object() || !hop.contains("ttl") || !hop.contains("ip"))
          fail("invalid \"trace\" hop " + quoted(hop) + ": expected {\"ttl\":..,\"ip\":..}");
        TraceHop t;
        t.ttl = static_cast<uint8_t>(whole(hop["ttl"], "ttl", 255, ": expected 0-255"));
        const std::optional<IpAddress> hop_ip = IpAddress::parse(text(hop["ip"], "ip", kAnAddress));
        if (!hop_ip) fail("invalid hop \"ip\" " + quoted(hop["ip"]) + ": expected " + kAnAddress);
        t.ip = *hop_ip;
        if (hop.contains("rtt_us")) t.rtt_us = static_cast<uint32_t>(whole(hop["rtt_us"], "rtt_us", 60'000'000, ""));
        route.push_back(t);
      }
      sink.on_trace(*addr, std::move(route));
      if (!sink.wants_more()) return;
      continue;
    }
    if (obj.contains("os_hint")) {  // the passive OS hint: {"ip":..,"os_hint":{"label":..,"signature":..}}
      const Json& o = field("os_hint");
      if (!o.is_object()) fail("invalid \"os_hint\" " + quoted(o) + ": expected {\"label\":..,\"signature\":..}");
      OsHint hint;
      hint.ip = *addr;
      hint.label = text(o.contains("label") ? o["label"] : Json(), "label", "text");
      hint.signature = text(o.contains("signature") ? o["signature"] : Json(), "signature", "a p0f signature");
      sink.on_os_hint(std::move(hint));
      if (!sink.wants_more()) return;
      continue;
    }
    if (obj.contains("os")) {  // -O's findings on a host (the schema's "os" record)
      const Json& o = field("os");
      if (!o.is_object()) fail("invalid \"os\" " + quoted(o) + ": expected an object");
      auto member = [&](const Json& of, const char* key) -> const Json& {
        auto it = of.find(key);
        if (it == of.end()) fail(std::string("missing \"") + key + "\" in an \"os\" record");
        return *it;
      };
      auto list = [&](const Json& of, const char* key) -> const Json& {
        const Json& v = member(of, key);
        if (!v.is_array()) fail(std::string("invalid \"") + key + "\" " + quoted(v) + ": expected an array");
        return v;
      };
      auto percent = [&](const Json& of) {
        return static_cast<int>(whole(member(of, "accuracy"), "accuracy", 100, ": expected 0-100"));
      };
      OsReport os;
      os.ip = *addr;
      for (const Json& m : list(o, "matches")) {
        OsMatchReport match;
        match.name = text(member(m, "name"), "name", "an OS name");
        match.accuracy = percent(m);
        match.line = static_cast<uint32_t>(whole(member(m, "line"), "line", UINT32_MAX, ": expected a line number"));
        for (const Json& c : list(m, "classes")) {
          OsClassReport cls;
          cls.type = text(member(c, "type"), "type", "a device type");
          cls.vendor = text(member(c, "vendor"), "vendor", "a vendor");
          cls.family = text(member(c, "family"), "family", "an OS family");
          cls.generation = text(member(c, "generation"), "generation", "an OS generation");
          cls.accuracy = percent(c);
          for (const Json& cpe : list(c, "cpe")) cls.cpes.push_back(text(cpe, "cpe", "a CPE string"));
          match.classes.push_back(std::move(cls));
        }
        os.matches.push_back(std::move(match));
      }
      for (const Json& p : list(o, "ports_used")) {
        OsPortUsed used;
        const std::string& proto = text(member(p, "proto"), "proto", "tcp or udp");
        if (!parse_proto(proto, used.proto)) fail("invalid \"proto\" \"" + proto + "\": expected tcp or udp");
        used.port = static_cast<uint16_t>(whole(member(p, "port"), "port", 65535, ": expected 0-65535"));
        const std::string& state = text(member(p, "state"), "state", "open or closed");
        if (!parse_port_state(state, used.state)) fail("invalid \"state\" \"" + state + "\": expected open or closed");
        os.ports_used.push_back(used);
      }
      for (const Json& line : list(o, "summary")) os.summary.push_back(text(line, "summary", "a line of text"));
      os.scan_time_s = time_of(member(o, "time")) / 1000000;
      if (auto it = o.find("fingerprint"); it != o.end()) os.fingerprint = text(*it, "fingerprint", "nmap's fingerprint text");
      if (auto it = o.find("distance"); it != o.end())
        os.distance = static_cast<int>(whole(*it, "distance", 255, ": expected 0-255 hops"));
      if (auto it = o.find("uptime_s"); it != o.end())
        os.uptime_seconds = static_cast<int64_t>(whole(*it, "uptime_s", uint64_t{1} << 40, ": expected seconds"));
      auto sequence = [&](const char* key, const char* kind, std::string& what, std::string& values) {
        auto it = o.find(key);
        if (it == o.end()) return false;
        if (!it->is_object()) fail(std::string("invalid \"") + key + "\" " + quoted(*it) + ": expected an object");
        what = text(member(*it, kind), kind, "text");
        values = text(member(*it, "values"), "values", "text");
        return true;
      };
      if (sequence("tcp_sequence", "difficulty", os.tcp_seq_difficulty, os.tcp_seq_values)) {
        os.tcp_seq_index =
            static_cast<uint32_t>(whole(member(o["tcp_sequence"], "index"), "index", UINT32_MAX, ": expected a number"));
      }
      sequence("ipid_sequence", "class", os.ipid_class, os.ipid_values);
      sequence("ts_sequence", "class", os.ts_class, os.ts_values);
      sink.on_os(std::move(os));
      if (!sink.wants_more()) return;
      continue;
    }
    // The host's names, written after the scan: not carried into what is
    // read back (a merged or re-reported scan names no hosts yet).
    if (obj.contains("hostnames")) continue;
    if (host_status) {  // host discovery's record: {"ip":..,"status":"up","reason":..,"ttl":..,"time":..,"rtt_us":..}
      HostUp h;
      h.ip = *addr;
      const std::string& status = text(field("status"), "status", "\"up\"");
      if (status == "unknown")
        fail("a list scan's (-sL) target: a list scan probed nothing, so it has no results to read back");
      if (status != "up") fail("invalid \"status\" \"" + status + "\": expected \"up\" (only hosts found up are written)");
      const std::string& reason = text(field("reason"), "reason", "one of nmap's reasons");
      if (!parse_reason(reason, h.reason)) fail("invalid \"reason\" \"" + reason + "\": expected one of nmap's reasons");
      if (auto it = obj.find("ttl"); it != obj.end()) h.ttl = static_cast<uint8_t>(whole(*it, "ttl", 255, ": expected 0-255"));
      if (auto it = obj.find("time"); it != obj.end()) h.time_us = time_of(*it);
      if (auto it = obj.find("rtt_us"); it != obj.end())
        h.rtt_us = static_cast<uint32_t>(whole(*it, "rtt_us", 60'000'000, ": expected microseconds, at most 60000000"));
      if (auto it = obj.find("mac"); it != obj.end()) {
        if (!parse_mac_text(text(*it, "mac", "a MAC address"), h.mac))
          fail("invalid \"mac\" " + quoted(*it) + ": expected a MAC address like 02:00:00:00:00:01");
        h.has_mac = true;
      }
      sink.on_host_up(h);
      if (!sink.wants_more()) return;
      continue;
    }
    PortResult r;
    r.ip = *addr;
    const std::string& proto = text(field("proto"), "proto", "tcp, udp, sctp or ip");
    if (!parse_proto(proto, r.proto)) fail("invalid \"proto\" \"" + proto + "\": expected tcp, udp, sctp or ip");
    // -sO's results are "ip" with the protocol number as their port.
    const Json& port = field("port");
    if (r.proto == Proto::Ip) {
      r.port = static_cast<uint16_t>(whole(port, "port", 255, " of an \"ip\" result: expected a protocol number 0-255"));
    } else {
      r.port = static_cast<uint16_t>(whole(port, "port", 65535, ": expected 0-65535"));
    }
    if (obj.contains("method")) {  // -sV's finding on a port whose state record came before
      ServiceResult sv;
      sv.ip = r.ip;
      sv.port = r.port;
      sv.proto = r.proto;
      ServiceReport& d = sv.service;
      auto opt = [&](const char* key, std::string& into) {
        if (auto it = obj.find(key); it != obj.end()) into = text(*it, key, "text");
      };
      opt("service", d.name);
      opt("product", d.product);
      opt("version", d.version);
      opt("extrainfo", d.extrainfo);
      opt("hostname", d.hostname);
      opt("ostype", d.ostype);
      opt("devicetype", d.devicetype);
      if (auto it = obj.find("tunnel"); it != obj.end()) d.ssl_tunnel = text(*it, "tunnel", "\"ssl\"") == "ssl";
      const std::string& method = text(field("method"), "method", "\"table\" or \"probed\"");
      if (method != "table" && method != "probed") fail("invalid \"method\" \"" + method + "\": expected table or probed");
      d.method = method == "probed" ? ServiceMethod::Probed : ServiceMethod::Table;
      if (auto it = obj.find("conf"); it != obj.end()) d.conf = static_cast<uint8_t>(whole(*it, "conf", 10, ": expected 0-10"));
      if (auto it = obj.find("cpe"); it != obj.end()) {
        if (!it->is_array()) fail("invalid \"cpe\" " + quoted(*it) + ": expected an array of strings");
        for (const Json& c : *it) d.cpe.push_back(text(c, "cpe", "a CPE string"));
      }
      if (auto it = obj.find("time"); it != obj.end()) sv.time_us = time_of(*it);
      sink.on_service(sv);
      if (!sink.wants_more()) return;
      continue;
    }
    const std::string& state = text(field("state"), "state", "one of nmap's port states");
    if (!parse_port_state(state, r.state)) {
      fail("invalid \"state\" \"" + state + "\": expected one of nmap's port states");
    }
    if (auto it = obj.find("reason"); it != obj.end()) {
      const std::string& reason = text(*it, "reason", "one of nmap's reasons");
      if (!parse_reason(reason, r.reason)) fail("invalid \"reason\" \"" + reason + "\": expected one of nmap's reasons");
    }
    if (auto it = obj.find("ttl"); it != obj.end()) r.ttl = static_cast<uint8_t>(whole(*it, "ttl", 255, ": expected 0-255"));
    if (auto it = obj.find("time"); it != obj.end()) r.time_us = time_of(*it);
    sink.on_result(r);
    if (!sink.wants_more()) return;
  }
  if (!header_sent) send_header({});
}

SavedScan parse_saved_jsonl(std::istream& in, const std::string& source, std::size_t lines_before) {
  // Keeps the records detection and report need: hosts up and port states
  // (a previous -sV's services are detected again; routes are not kept).
  class Collect final : public SavedRecordSink {
   public:
    SavedScan scan;
    SavedHeader header;
    std::map<Proto, std::set<uint16_t>> ports;
    std::unordered_set<IpAddress> hosts;

    bool completed = false;

    void on_header(const SavedHeader& h) override { header = h; }
    void on_ending(const SavedEnding& e) override { completed = e.error.empty(); }
    void on_host_up(const HostUp& h) override {
      note_time(h.time_us);
      hosts.insert(h.ip);
      scan.hosts.push_back(h);
    }
    void on_result(const PortResult& r) override {
      note_time(r.time_us);
      ports[r.proto].insert(r.port);
      hosts.insert(r.ip);
      scan.results.push_back(r);
    }

   private:
    void note_time(int64_t us) {
      if (scan.start_time_us == 0 || (us != 0 && us < scan.start_time_us)) scan.start_time_us = us;
    }
  } collect;
  read_jsonl_records(in, source, lines_before, collect);
  SavedScan& scan = collect.scan;
  if (collect.header.known) {
    scan.args = collect.header.args;
    scan.start_time_us = collect.header.start_time_us;
    scan.scans = collect.header.scans;
    scan.num_targets = collect.header.num_targets;
    scan.unanswered_known = collect.completed && collect.header.shard.empty();
    return std::move(scan);
  }
  // An older file with no start record: only answered ports are written, so
  // the port list is what answered somewhere, and every host's other ports
  // then count as unanswered, as they were.
  for (const auto& [proto, set] : collect.ports) {
    ScanKind k;
    // The file does not say which TCP scan it was; -sS is the default.
    k.type = proto == Proto::Udp ? "udp" : proto == Proto::Sctp ? "sctpinit" : proto == Proto::Ip ? "ipproto" : "syn";
    k.proto = proto;
    const std::vector<uint16_t> list(set.begin(), set.end());
    k.services = format_port_ranges(list);
    k.num_services = static_cast<uint32_t>(list.size());
    scan.scans.push_back(k);
  }
  scan.num_targets = collect.hosts.size();
  return std::move(scan);
}

}  // namespace portsweep
