#include "io/iflist.hpp"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/interface_info.hpp"
#include "io/netlink_route.hpp"
#include "io/netlink_route6.hpp"
#include "portsweep/ip_address.hpp"
#include "targets/ipv4.hpp"

namespace portsweep {

namespace {

using Row = std::vector<std::string>;

// Left-aligned columns as wide as their widest cell, two spaces apart; the
// last column is not padded so lines carry no trailing blanks.
void print_table(std::ostream& out, const char* title, const std::vector<Row>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  out << "*** " << title << " ***\n";
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line.append(width[c] - row[c].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  }
}

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

// Built by appending: GCC 12 reports a false -Wrestrict on literal + std::string.
std::string in_parens(const std::string& name) {
  std::string s;
  s.reserve(name.size() + 2);
  s += '(';
  s += name;
  s += ')';
  return s;
}

std::string link_name(const std::vector<InterfaceInfo>& ifaces, int index) {
  for (const auto& i : ifaces) {
    if (i.index == index) return i.name;
  }
  if (index == 0) return "(multipath)";
  std::string s = "#";
  s += std::to_string(index);
  return s;
}

}  // namespace

void print_iflist(std::ostream& out) {
  const auto ifaces = list_interfaces();

  std::vector<Row> rows{{"DEV", "(SHORT)", "IP/MASK", "TYPE", "UP", "MTU", "MAC"}};
  for (const auto& i : ifaces) {
    std::string mac = i.mac && !i.mac->is_zero() ? upper(i.mac->to_string()) : "";
    std::string type(interface_type_name(i));
    std::string up = i.up ? "up" : "down";
    std::string mtu = std::to_string(i.mtu);
    if (i.ipv4.empty() && i.ipv6.empty()) {
      rows.push_back({i.name, in_parens(i.name), "(none)", type, up, mtu, mac});
    }
    // One row per address, named by its label so aliases (eth0:1) show.
    for (const auto& a : i.ipv4) {
      rows.push_back({a.label, in_parens(i.name),
                      format_ipv4(a.address) + "/" + std::to_string(a.prefix_len), type, up, mtu,
                      mac});
    }
    // Then its IPv6 addresses, as nmap lists them: one row each, under the
    // link's own name (IPv6 addresses have no alias labels).
    for (const auto& a : i.ipv6) {
      rows.push_back({i.name, in_parens(i.name),
                      IpAddress::v6(a.address).to_string() + "/" + std::to_string(a.prefix_len), type,
                      up, mtu, mac});
    }
  }
  print_table(out, "INTERFACES", rows);
  out << '\n';

  auto routes = netlink::dump_ipv4_routes();
  // Most specific first: the order in which a lookup would consider them.
  std::stable_sort(routes.begin(), routes.end(), [](const auto& a, const auto& b) {
    return a.dst_len != b.dst_len ? a.dst_len > b.dst_len : a.metric < b.metric;
  });
  rows = {{"DST/MASK", "DEV", "METRIC", "GATEWAY"}};
  for (const auto& r : routes) {
    if (r.type != RTN_UNICAST) continue;
    rows.push_back({format_ipv4(r.dst) + "/" + std::to_string(r.dst_len), link_name(ifaces, r.oif),
                    std::to_string(r.metric), r.gateway != 0 ? format_ipv4(r.gateway) : ""});
  }
  // IPv6 after IPv4, as nmap orders them, and like nmap's (read from
  // /proc/net/ipv6_route) from the local table too: our own addresses (/128)
  // and the multicast prefix appear with the main table's routes.
  std::vector<netlink::Route6> routes6;
  try {
    routes6 = netlink::dump_ipv6_lookup_routes();
  } catch (const RuntimeFailure&) {
    routes6.clear();  // a kernel without IPv6
  }
  std::stable_sort(routes6.begin(), routes6.end(), [](const auto& a, const auto& b) {
    return a.dst_len != b.dst_len ? a.dst_len > b.dst_len : a.metric < b.metric;
  });
  for (const auto& r : routes6) {
    if (r.type != RTN_UNICAST && r.type != RTN_LOCAL && r.type != RTN_MULTICAST && r.type != RTN_ANYCAST) continue;
    if (r.oif == 0) continue;  // multipath: no one device to name
    rows.push_back({IpAddress::v6(r.dst).to_string() + "/" + std::to_string(r.dst_len),
                    link_name(ifaces, r.oif), std::to_string(r.metric),
                    r.gateway != 0 ? IpAddress::v6(r.gateway).to_string() : ""});
  }
  print_table(out, "ROUTES", rows);
}

}  // namespace portsweep
