// Reads an nmap XML report back: portsweep's -oX or nmap's own. Only a
// handful of elements matter and each carries its data in attributes, so the
// report is read as a stream of elements (XmlElementStream, libxml2's
// streaming reader) and no document tree is built. Every value taken from the
// file is bounded before it is used: numbers against their fields' ranges,
// kept text against a length, and port ranges stay ranges (PortRun).
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "detect/saved_records.hpp"
#include "detect/saved_scan.hpp"
#include "detect/xml_element_stream.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

namespace {

// The longest command line (args) and port list (services) kept: nmap writes
// both from its own command line, which Linux caps at 2 MB in all.
constexpr std::size_t kMaxKeptText = std::size_t{2} << 20;

// The attribute `key` of the current element `tag` as a whole number from 0
// to `max`; 0 when the attribute is absent. Anything else (a sign, text, a
// number past `max`) is refused with `expected` before it can overflow
// anything.
uint64_t number(const XmlElementStream& xml, std::string_view tag, std::string_view key, uint64_t max,
                std::string_view expected) {
  const std::string text = xml.attribute(key);
  if (text.empty()) return 0;
  uint64_t value = 0;
  const bool digits = text.find_first_not_of("0123456789") == std::string::npos;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!digits || error != std::errc() || end != text.data() + text.size() || value > max) {
    xml.refuse(std::string(key) + "=\"" + text + "\" of <" + std::string(tag) + "> is not a whole number from 0 to " +
               std::to_string(max) + "; expected " + std::string(expected));
  }
  return value;
}

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

void read_xml_records(std::istream& in, const std::string& source, std::size_t lines_before, SavedRecordSink& sink) {
  XmlElementStream xml(in, source, lines_before);
  XmlElementStream::Element element;
  SavedHeader header;
  bool header_sent = false;
  bool in_host = false;
  // The <host>'s address (its first of either family); hosts without one
  // (a MAC alone) are skipped.
  bool host_ip = false;
  IpAddress ip;
  int64_t host_time_us = 0;
  HostUp status;  // the <host>'s <status>, and its <times>
  bool status_up = false;
  // The <port> being read: its <state> child completes it; a <service>
  // after it is -sV's finding.
  PortResult port;
  bool in_port = false;
  bool port_sent = false;
  std::optional<ServiceResult> service;
  // The <extraports> being read.
  PortState extra_state = PortState::Closed;
  bool in_extra = false;
  // The <trace> being read.
  std::vector<TraceHop> route;
  uint16_t trace_port = 0;
  bool in_trace = false;
  std::optional<SavedEnding> ending;

  auto state_of = [&](const std::string& s) {
    PortState st;
    if (!parse_port_state(s, st)) {
      xml.refuse("unknown port state \"" + s + "\"; expected one of nmap's (open, closed, filtered, unfiltered, "
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
  auto send_header = [&] {
    if (header_sent) return;
    header_sent = true;
    sink.on_header(header);
  };
  auto finish_port = [&] {
    if (service && port_sent) sink.on_service(*service);
    service.reset();
    in_port = false;
    port_sent = false;
  };

  while (xml.next(element)) {
    if (!sink.wants_more()) return;
    const std::string_view tag = element.name;
    if (element.end) {
      if (tag == "host") {
        in_host = false;
        if (host_ip) sink.on_host_seen(ip);
        if (host_ip && status_up) {
          status.ip = ip;
          status.time_us = host_time_us;
          sink.on_host_up(status);
        }
      } else if (tag == "port") {
        finish_port();
      } else if (tag == "extraports") {
        in_extra = false;
      } else if (tag == "trace") {
        in_trace = false;
        if (host_ip && !route.empty()) {
          route.back().tcp_port = trace_port;
          sink.on_trace(ip, std::move(route));
        }
        route.clear();
      }
      continue;
    }
    if (!header.known) {
      // The first element is the document's root.
      if (tag != "nmaprun") {
        xml.refuse("the root element is <" + std::string(tag) + ">, not <nmaprun>; expected an nmap XML report (-oX)");
      }
      header.known = true;
      header.args = xml.attribute("args", kMaxKeptText);
      header.start_time_us = static_cast<int64_t>(number(xml, tag, "start", kMaxSavedTimeSeconds, kSeconds)) * 1000000;
      describe_from_args(header);
      continue;
    }
    if (tag == "scaninfo") {
      ScanKind k;
      k.type = xml.attribute("type");
      const auto services = number(xml, tag, "numservices", 65536, "the number of ports scanned, at most 65536");
      if (!parse_proto(xml.attribute("protocol"), k.proto)) continue;
      k.services = xml.attribute("services", kMaxKeptText);
      k.num_services = static_cast<uint32_t>(services);
      header.scans.push_back(k);
      continue;
    }
    if (tag == "verbose" || tag == "debugging") continue;
    send_header();
    if (tag == "host") {
      in_host = true;
      host_ip = false;
      ip = IpAddress{};
      host_time_us = static_cast<int64_t>(number(xml, tag, "starttime", kMaxSavedTimeSeconds, kSeconds)) * 1000000;
      number(xml, tag, "endtime", kMaxSavedTimeSeconds, kSeconds);  // unused, but a file saying it is checked
      status = HostUp{};
      status_up = false;
    } else if (in_host && tag == "status") {
      status_up = xml.attribute("state") == "up";
      // nmap's reasons portsweep has no name for ("localhost-response")
      // still say the host is up: user-set is the closest.
      if (!parse_reason(xml.attribute("reason"), status.reason)) status.reason = Reason::UserSet;
      status.ttl = static_cast<uint8_t>(number(xml, tag, "reason_ttl", 255, "a TTL from 0 to 255"));
    } else if (in_host && tag == "times") {
      // srtt in microseconds; a minute bounds any round trip worth keeping.
      status.rtt_us = static_cast<uint32_t>(number(xml, tag, "srtt", 60'000'000, "a round trip in microseconds, at most 60000000"));
    } else if (in_host && tag == "address") {
      const std::string type = xml.attribute("addrtype");
      if (type == "mac") {
        status.has_mac = parse_mac_text(xml.attribute("addr"), status.mac);
      } else if (type == "ipv4" || type == "ipv6") {
        // A malformed address is refused, not skipped: its host's ports
        // would otherwise vanish from what is read back without a word.
        const std::string text = xml.attribute("addr");
        const std::optional<IpAddress> addr = IpAddress::parse(text);
        const bool v4 = type == "ipv4";
        if (!addr || addr->is_v4() != v4) {
          xml.refuse("addr=\"" + text + "\" of <address addrtype=\"" + type + "\"> is not an " +
                     (v4 ? "IPv4" : "IPv6") + " address; expected one like " + (v4 ? "192.0.2.1" : "2001:db8::1"));
        }
        // nmap writes one address per host; should a host have two, the first names it.
        if (!host_ip) ip = *addr;
        host_ip = true;
      }
    } else if (in_host && host_ip && tag == "port") {
      const std::string id = xml.attribute("portid");
      const std::optional<uint16_t> portid = port_number(id);
      if (!portid) xml.refuse("portid=\"" + id + "\" of <port> is not a port number; expected 0-65535");
      in_port = parse_proto(xml.attribute("protocol"), port.proto);
      // A protocol scan's "port" is a protocol number.
      if (in_port && port.proto == Proto::Ip && *portid > 255)
        xml.refuse("portid=\"" + id + "\" of an ip <port> is not a protocol number; expected 0-255");
      port.ip = ip;
      port.port = *portid;
    } else if (in_port && tag == "state") {
      port.state = state_of(xml.attribute("state"));
      port.reason = reason_of(xml.attribute("reason"), port.state);
      port.ttl = static_cast<uint8_t>(number(xml, tag, "reason_ttl", 255, "a TTL from 0 to 255"));
      port.time_us = host_time_us;
      sink.on_result(port);
      port_sent = true;
    } else if (in_port && tag == "service" && header.version_scan) {
      // -sV's finding; a scan without -sV names ports from the table, which
      // whoever writes the file again looks up itself.
      ServiceResult sv;
      sv.ip = ip;
      sv.port = port.port;
      sv.proto = port.proto;
      sv.time_us = host_time_us;
      ServiceReport& d = sv.service;
      d.name = xml.attribute("name");
      d.product = xml.attribute("product");
      d.version = xml.attribute("version");
      d.extrainfo = xml.attribute("extrainfo");
      d.hostname = xml.attribute("hostname");
      d.ostype = xml.attribute("ostype");
      d.devicetype = xml.attribute("devicetype");
      d.ssl_tunnel = xml.attribute("tunnel") == "ssl";
      d.method = xml.attribute("method") == "probed" ? ServiceMethod::Probed : ServiceMethod::Table;
      d.conf = static_cast<uint8_t>(number(xml, tag, "conf", 10, "nmap's confidence, 0 to 10"));
      service = std::move(sv);
    } else if (service && tag == "cpe") {
      service->service.cpe.push_back(xml.text());
    } else if (in_host && host_ip && tag == "extraports") {
      in_extra = true;
      extra_state = state_of(xml.attribute("state"));
      // nmap lists every open port as a <port>; an open range here would
      // ask for a version probe of each of its ports.
      if (extra_state == PortState::Open) {
        xml.refuse("<extraports state=\"open\"> folds open ports into a count; expected open ports listed one "
                   "by one as <port> elements, as nmap writes them");
      }
    } else if (in_extra && tag == "extrareasons") {
      // nmap 7.9x lists the ports; without the list they stay counted as the
      // scan's unanswered ports, which is all that can be said of them.
      PortResult r;
      r.ip = ip;
      r.state = extra_state;
      r.reason = reason_of(xml.attribute("reason"), extra_state);
      r.time_us = host_time_us;
      if (!parse_proto(xml.attribute("proto"), r.proto)) r.proto = Proto::Tcp;
      const std::string list = xml.attribute("ports", kMaxKeptText);
      std::optional<std::vector<std::pair<uint16_t, uint16_t>>> ranges;
      if (list.empty()) ranges.emplace();  // nmap before 7.9x gives only the count
      else ranges = port_ranges(list);
      if (!ranges) {
        xml.refuse("ports=\"" + list + "\" of <extrareasons> is not a list of ports; expected ports and "
                   "FIRST-LAST ranges from 0 to 65535, as in 21-25,80");
      }
      // Unanswered ports are not results: the report counts them anyway.
      if (r.reason == Reason::NoResponse || r.reason == Reason::NoIpidChange) continue;
      for (const auto& [first, last] : *ranges) sink.on_run({r, first, last});
    } else if (in_host && host_ip && tag == "trace") {
      in_trace = true;
      trace_port = static_cast<uint16_t>(number(xml, tag, "port", 65535, "a port number"));
      route.clear();
    } else if (in_trace && tag == "hop") {
      TraceHop h;
      h.ttl = static_cast<uint8_t>(number(xml, tag, "ttl", 255, "a TTL from 0 to 255"));
      const std::optional<IpAddress> hop = IpAddress::parse(xml.attribute("ipaddr"));
      if (!hop) xml.refuse("ipaddr=\"" + xml.attribute("ipaddr") + "\" of <hop> is not an IPv4 or IPv6 address");
      h.ip = *hop;
      if (const std::string ms = xml.attribute("rtt"); !ms.empty()) {
        const double v = std::strtod(ms.c_str(), nullptr);
        if (v > 0 && v < 60'000) h.rtt_us = static_cast<uint32_t>(v * 1000.0 + 0.5);
      }
      route.push_back(h);
    } else if (tag == "runstats") {
      ending.emplace();
    } else if (ending && tag == "finished") {
      SavedEnding& e = *ending;
      e.end_time_us = static_cast<int64_t>(number(xml, tag, "time", kMaxSavedTimeSeconds, kSeconds)) * 1000000;
      if (const std::string s = xml.attribute("elapsed"); !s.empty()) e.elapsed_s = std::max(0.0, std::strtod(s.c_str(), nullptr));
      if (xml.attribute("exit") == "error") {
        e.error = xml.attribute("errormsg");
        if (e.error.empty()) e.error = "error";
      }
    } else if (tag == "hosts") {
      const uint64_t total = number(xml, tag, "total", uint64_t{1} << 32, "the number of addresses scanned, at most 2^32");
      if (ending) ending->hosts_total = total;
    }
  }
  if (!header.known) throw UsageError(source + ": no <nmaprun> element; expected an nmap XML report (-oX)");
  send_header();
  if (ending) sink.on_ending(*ending);
}

SavedScan parse_saved_xml(std::istream& in, const std::string& source, std::size_t lines_before) {
  // Keeps hosts up and port states; a previous -sV's services are detected
  // again, routes are not kept.
  class Collect final : public SavedRecordSink {
   public:
    SavedScan scan;
    uint64_t hosts_seen = 0;

    void on_header(const SavedHeader& h) override {
      scan.args = h.args;
      scan.start_time_us = h.start_time_us;
      scan.scans = h.scans;
    }
    void on_host_up(const HostUp& h) override { scan.hosts.push_back(h); }
    void on_host_seen(IpAddress) override { ++hosts_seen; }
    void on_result(const PortResult& r) override { scan.results.push_back(r); }
    void on_run(const PortRun& run) override { scan.runs.push_back(run); }
    void on_ending(const SavedEnding& e) override { scan.num_targets = e.hosts_total; }
  } collect;
  read_xml_records(in, source, lines_before, collect);
  SavedScan& scan = collect.scan;
  if (scan.num_targets == 0) scan.num_targets = collect.hosts_seen;
  return std::move(scan);
}

SavedScan parse_saved_xml(std::string_view text, const std::string& source) {
  std::istringstream in{std::string(text)};
  return parse_saved_xml(in, source);
}

}  // namespace portsweep
