// Reads an nmap XML report back: portsweep's -oX or nmap's own. Only a
// handful of elements matter and each carries its data in attributes, so the
// report is read as a stream of elements (XmlElementStream, libxml2's
// streaming reader) and no document tree is built. Every value taken from the
// file is bounded before it is used: numbers against their fields' ranges,
// kept text against a length, and port ranges stay ranges (PortRun).
#include <charconv>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "detect/saved_scan.hpp"
#include "detect/xml_element_stream.hpp"
#include "targets/ipv4.hpp"

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

SavedScan parse_saved_xml(std::istream& in, const std::string& source, std::size_t lines_before) {
  SavedScan scan;
  XmlElementStream xml(in, source, lines_before);
  XmlElementStream::Element element;
  bool seen_root = false;
  bool in_host = false;
  bool host_ipv4 = false;
  uint32_t ip = 0;
  int64_t host_time_us = 0;
  uint64_t hosts_seen = 0;
  HostUp status;  // the <host>'s <status>, and its <times>
  bool status_up = false;
  // The <port> being read: its <state> child completes it.
  PortResult port;
  bool in_port = false;
  // The <extraports> being read.
  PortState extra_state = PortState::Closed;
  bool in_extra = false;

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

  while (xml.next(element)) {
    const std::string_view tag = element.name;
    if (element.end) {
      if (tag == "host") {
        in_host = false;
        hosts_seen += host_ipv4;
        if (host_ipv4 && status_up) {
          status.ip = ip;
          status.time_us = host_time_us;
          scan.hosts.push_back(status);
        }
      } else if (tag == "port") {
        in_port = false;
      } else if (tag == "extraports") {
        in_extra = false;
      }
      continue;
    }
    if (!seen_root) {
      // The first element is the document's root.
      if (tag != "nmaprun") {
        xml.refuse("the root element is <" + std::string(tag) + ">, not <nmaprun>; expected an nmap XML report (-oX)");
      }
      seen_root = true;
      scan.args = xml.attribute("args", kMaxKeptText);
      scan.start_time_us = static_cast<int64_t>(number(xml, tag, "start", kMaxSavedTimeSeconds, kSeconds)) * 1000000;
    } else if (tag == "scaninfo") {
      ScanKind k;
      k.type = xml.attribute("type");
      const auto services = number(xml, tag, "numservices", 65536, "the number of ports scanned, at most 65536");
      if (!parse_proto(xml.attribute("protocol"), k.proto)) continue;
      k.services = xml.attribute("services", kMaxKeptText);
      k.num_services = static_cast<uint32_t>(services);
      scan.scans.push_back(k);
    } else if (tag == "host") {
      in_host = true;
      host_ipv4 = false;
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
    } else if (in_host && tag == "address" && xml.attribute("addrtype") == "ipv4") {
      const std::optional<uint32_t> addr = parse_ipv4(xml.attribute("addr"));
      host_ipv4 = addr.has_value();
      ip = addr.value_or(0);
    } else if (in_host && host_ipv4 && tag == "port") {
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
      scan.results.push_back(port);
      in_port = false;
    } else if (in_host && host_ipv4 && tag == "extraports") {
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
      for (const auto& [first, last] : *ranges) scan.runs.push_back({r, first, last});
    } else if (tag == "hosts") {
      scan.num_targets = number(xml, tag, "total", uint64_t{1} << 32, "the number of addresses scanned, at most 2^32");
    }
  }
  if (!seen_root) throw UsageError(source + ": no <nmaprun> element; expected an nmap XML report (-oX)");
  if (scan.num_targets == 0) scan.num_targets = hosts_seen;
  return scan;
}

SavedScan parse_saved_xml(std::string_view text, const std::string& source) {
  std::istringstream in{std::string(text)};
  return parse_saved_xml(in, source);
}

}  // namespace portsweep
