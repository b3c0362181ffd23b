#include "io/iflist.hpp"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>
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

// The position of each (interface index, IPv6 address) in
// /proc/net/if_inet6. nmap lists an interface's IPv6 addresses in that
// file's order (the kernel's address hash order, not netlink's); reading
// it too keeps the rows in nmap's order. Empty when the file cannot be read.
std::map<std::pair<int, u128>, size_t> proc_inet6_order() {
  std::map<std::pair<int, u128>, size_t> order;
  std::ifstream in("/proc/net/if_inet6");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string hex;
    unsigned ifindex = 0;
    if (!(fields >> hex >> std::hex >> ifindex) || hex.size() != 32) continue;
    u128 a = 0;
    bool ok = true;
    for (char c : hex) {
      const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                    : (c >= 'a' && c <= 'f')                     ? c - 'a' + 10
                                                                 : -1;
      if (v < 0) ok = false;
      a = a << 4 | static_cast<unsigned>(v < 0 ? 0 : v);
    }
    if (ok) order.emplace(std::pair{static_cast<int>(ifindex), a}, order.size());
  }
  return order;
}

}  // namespace

void print_iflist(std::ostream& out) {
  auto ifaces = list_interfaces();
  const auto order = proc_inet6_order();
  for (auto& i : ifaces) {
    auto rank = [&](const InterfaceAddress6& a) {
      auto it = order.find({i.index, a.address});
      return it == order.end() ? order.size() : it->second;
    };
    std::stable_sort(i.ipv6.begin(), i.ipv6.end(),
                     [&](const InterfaceAddress6& a, const InterfaceAddress6& b) { return rank(a) < rank(b); });
  }

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
