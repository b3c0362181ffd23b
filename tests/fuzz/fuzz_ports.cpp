// nmap's port syntax: a -p specification (parse_port_spec) for TCP alone and
// for every protocol, --top-ports and --port-ratio values, and the whole
// port selection (resolve_ports), against the project's own services file.
//
// Input: text, '|'-separated: -p | --exclude-ports | --top-ports |
// --port-ratio (an empty field is an option not given). Checks: the ports of
// a spec are ascending and has() agrees with them; a TCP list printed with
// format_port_ranges parses back to itself; resolve_ports keeps ascending
// lists inside the spec.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ports/port_options.hpp"
#include "ports/port_set.hpp"
#include "ports/port_spec.hpp"
#include "ports/services_db.hpp"

namespace {

using namespace portsweep;
using portsweep::fuzz::check;

const ServicesDb& services() {
  static const ServicesDb db = ServicesDb::load_file(fuzz::source_data("portsweep-services"));
  return db;
}

bool ascending(const std::vector<uint16_t>& v) {
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i - 1] >= v[i]) return false;
  return true;
}

std::vector<std::string> fields(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t bar = text.find('|', start);
    out.push_back(text.substr(start, bar - start));
    if (bar == std::string::npos || out.size() == 4) break;
    start = bar + 1;
  }
  out.resize(4);
  return out;
}

std::optional<std::string> given(const std::string& s) { return s.empty() ? std::nullopt : std::optional(s); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fuzz::as_text(data, size));
  const std::vector<std::string> f = fields(text);

  fuzz::accepts([&] {
    const PortSpec spec = parse_port_spec(f[0], "-p", {Proto::Tcp}, services());
    const std::vector<uint16_t> tcp = spec.ports(Proto::Tcp);
    check(ascending(tcp), "-p ports not ascending");
    for (uint16_t p : tcp) check(spec.has(Proto::Tcp, p), "has() disagrees with ports()");
    if (tcp.empty()) return;
    const std::string printed = format_port_ranges(tcp);
    const PortSpec again = parse_port_spec(printed, "-p", {Proto::Tcp}, services());
    check(again.ports(Proto::Tcp) == tcp, "format_port_ranges() does not parse back to the same ports");
  });
  fuzz::accepts([&] {
    const PortSpec spec = parse_port_spec(f[0], "--exclude-ports", {Proto::Tcp, Proto::Udp, Proto::Sctp}, services());
    for (Proto p : {Proto::Tcp, Proto::Udp, Proto::Sctp}) check(ascending(spec.ports(p)), "ports not ascending");
  });
  fuzz::accepts([&] { check(parse_top_ports(f[2]) >= 1, "--top-ports below 1"); });
  fuzz::accepts([&] {
    const double r = parse_port_ratio(f[3]);
    check(r >= 0 && r < 1, "--port-ratio outside [0, 1)");
  });

  PortOptions options;
  options.spec = given(f[0]);
  options.exclude_spec = given(f[1]);
  options.top_ports = given(f[2]);
  options.port_ratio = given(f[3]);
  options.sequential = size % 2 == 1;
  fuzz::accepts([&] {
    std::vector<std::string> warnings;
    const PortSet set = resolve_ports(options, {Proto::Tcp, Proto::Udp}, services(), warnings);
    for (Proto p : {Proto::Tcp, Proto::Udp, Proto::Sctp}) check(ascending(set.ports(p)), "resolved ports not ascending");
  });
  return 0;
}
