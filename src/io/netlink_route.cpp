#include "io/netlink_route.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "io/netlink_attributes.hpp"
#include "io/netlink_dump.hpp"
#include "io/netlink_request.hpp"
#include "targets/ipv4.hpp"

namespace portsweep::netlink {

namespace {

using detail::dump, detail::fail, detail::kRequestBuffer, detail::mac_of, detail::start_request,
    detail::string_of;

std::string errno_text(int err) { return std::strerror(err); }

// An IPv4 address attribute (validated as 4 bytes), network order on the
// wire, host order here.
uint32_t ipv4_of(const nlattr* a) { return ntohl(mnl_attr_get_u32(a)); }

// What a route message may carry that a scan reads.
AttributeTable route_attributes() {
  return AttributeTable({{RTA_DST, MNL_TYPE_U32},
                         {RTA_OIF, MNL_TYPE_U32},
                         {RTA_GATEWAY, MNL_TYPE_U32},
                         {RTA_PREFSRC, MNL_TYPE_U32},
                         {RTA_PRIORITY, MNL_TYPE_U32},
                         {RTA_TABLE, MNL_TYPE_U32}});
}

// Fills `r` and `table` from route message `m` (its header `rt`, already
// checked for length) with `attrs`; MNL_CB_ERROR (errno set) when an
// attribute is malformed.
int parse_route(const nlmsghdr& m, const rtmsg& rt, AttributeTable& attrs, Route& r, uint32_t& table) {
  if (attrs.parse(m, sizeof(rtmsg)) != MNL_CB_OK) return MNL_CB_ERROR;
  r.dst_len = rt.rtm_dst_len;
  r.type = rt.rtm_type;
  table = rt.rtm_table;
  if (const nlattr* a = attrs.get(RTA_DST)) r.dst = ipv4_of(a);
  if (const nlattr* a = attrs.get(RTA_OIF)) r.oif = static_cast<int>(mnl_attr_get_u32(a));
  if (const nlattr* a = attrs.get(RTA_GATEWAY)) r.gateway = ipv4_of(a);
  if (const nlattr* a = attrs.get(RTA_PREFSRC)) r.prefsrc = ipv4_of(a);
  if (const nlattr* a = attrs.get(RTA_PRIORITY)) r.metric = mnl_attr_get_u32(a);
  if (const nlattr* a = attrs.get(RTA_TABLE)) table = mnl_attr_get_u32(a);
  return MNL_CB_OK;
}

}  // namespace

bool Neighbour::is_fresh() const noexcept {
  return mac && (state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)) != 0;
}

bool Neighbour::is_unconfirmed() const noexcept {
  return mac && (state & (NUD_STALE | NUD_DELAY | NUD_PROBE)) != 0;
}

std::vector<Link> dump_links() {
  AttributeTable attrs({{IFLA_ADDRESS, MNL_TYPE_BINARY}, {IFLA_IFNAME, MNL_TYPE_NUL_STRING}, {IFLA_MTU, MNL_TYPE_U32}});
  return dump<ifinfomsg, Link>(RTM_GETLINK, AF_UNSPEC, "interface list",
                               [&](const nlmsghdr& m, std::vector<Link>& out) {
    if (m.nlmsg_type != RTM_NEWLINK) return MNL_CB_OK;
    const auto* ifi = family_header<ifinfomsg>(m);
    if (ifi == nullptr || attrs.parse(m, sizeof(ifinfomsg)) != MNL_CB_OK) return MNL_CB_ERROR;
    Link link;
    link.index = ifi->ifi_index;
    link.type = ifi->ifi_type;
    link.flags = ifi->ifi_flags;
    if (const nlattr* a = attrs.get(IFLA_IFNAME)) link.name = string_of(a);
    if (const nlattr* a = attrs.get(IFLA_MTU)) link.mtu = mnl_attr_get_u32(a);
    link.mac = mac_of(attrs.get(IFLA_ADDRESS));
    out.push_back(std::move(link));
    return MNL_CB_OK;
  });
}

std::vector<Ipv4Address> dump_ipv4_addresses() {
  AttributeTable attrs({{IFA_ADDRESS, MNL_TYPE_U32}, {IFA_LOCAL, MNL_TYPE_U32}, {IFA_LABEL, MNL_TYPE_NUL_STRING}});
  return dump<ifaddrmsg, Ipv4Address>(RTM_GETADDR, AF_INET, "interface addresses",
                                      [&](const nlmsghdr& m, std::vector<Ipv4Address>& out) {
    if (m.nlmsg_type != RTM_NEWADDR) return MNL_CB_OK;
    const auto* ifa = family_header<ifaddrmsg>(m);
    if (ifa == nullptr) return MNL_CB_ERROR;
    if (ifa->ifa_family != AF_INET) return MNL_CB_OK;
    if (attrs.parse(m, sizeof(ifaddrmsg)) != MNL_CB_OK) return MNL_CB_ERROR;
    Ipv4Address addr;
    addr.ifindex = static_cast<int>(ifa->ifa_index);
    addr.prefix_len = ifa->ifa_prefixlen;
    if (const nlattr* a = attrs.get(IFA_LABEL)) addr.label = string_of(a);
    // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours.
    const nlattr* local = attrs.get(IFA_LOCAL);
    const nlattr* address = attrs.get(IFA_ADDRESS);
    if (local == nullptr && address == nullptr) return MNL_CB_OK;
    addr.address = ipv4_of(local != nullptr ? local : address);
    out.push_back(std::move(addr));
    return MNL_CB_OK;
  });
}

std::vector<Route> dump_ipv4_routes() {
  auto routes = dump_ipv4_lookup_routes();
  std::erase_if(routes, [](const Route& r) { return r.table != RT_TABLE_MAIN; });
  return routes;
}

std::vector<Route> dump_ipv4_lookup_routes() {
  AttributeTable attrs = route_attributes();
  return dump<rtmsg, Route>(RTM_GETROUTE, AF_INET, "routing table",
                            [&](const nlmsghdr& m, std::vector<Route>& out) {
    if (m.nlmsg_type != RTM_NEWROUTE) return MNL_CB_OK;
    const auto* rt = family_header<rtmsg>(m);
    if (rt == nullptr) return MNL_CB_ERROR;
    if (rt->rtm_family != AF_INET || (rt->rtm_flags & RTM_F_CLONED) != 0) return MNL_CB_OK;
    Route r;
    uint32_t table = 0;
    if (parse_route(m, *rt, attrs, r, table) != MNL_CB_OK) return MNL_CB_ERROR;
    r.table = table;
    if (table == RT_TABLE_MAIN || table == RT_TABLE_LOCAL) out.push_back(r);
    return MNL_CB_OK;
  });
}

std::optional<Route> lookup_route(uint32_t dst, int oif) {
  alignas(nlmsghdr) char buf[kRequestBuffer] = {};
  auto* rt = start_request<rtmsg>(buf, RTM_GETROUTE, 0, AF_INET);
  rt->rtm_dst_len = 32;
  auto* request = reinterpret_cast<nlmsghdr*>(buf);
  mnl_attr_put_u32(request, RTA_DST, htonl(dst));
  if (oif > 0) mnl_attr_put_u32(request, RTA_OIF, static_cast<uint32_t>(oif));
  AttributeTable attrs = route_attributes();
  std::optional<Route> found;
  const RequestResult r = run_request(*request, [&](const nlmsghdr& m) {
    if (m.nlmsg_type != RTM_NEWROUTE) return MNL_CB_OK;
    const auto* answer = family_header<rtmsg>(m);
    Route route;
    uint32_t table = 0;  // the answer names the table it came from; a lookup does not report it
    if (answer == nullptr || parse_route(m, *answer, attrs, route, table) != MNL_CB_OK) return MNL_CB_ERROR;
    found = route;
    return MNL_CB_OK;
  });
  if (r.outcome == Outcome::Refused) {
    switch (r.error) {
      // The kernel's ways of saying "no route": unreachable, prohibited,
      // blackholed, or the forced interface is down.
      case ENETUNREACH: case EHOSTUNREACH: case EACCES: case EINVAL: case ENETDOWN:
        return std::nullopt;
      default:
        throw RuntimeFailure("cannot look up the route to " + format_ipv4(dst) + ": " + errno_text(r.error) + ".");
    }
  }
  if (!r.ok()) fail(r, "route to " + format_ipv4(dst));
  if (found && found->type != RTN_UNICAST && found->type != RTN_LOCAL) return std::nullopt;
  return found;
}

std::optional<Neighbour> find_neighbour(int ifindex, uint32_t ip) {
  // A dump rather than a single get: RTM_GETNEIGH for one entry needs newer
  // kernels, and neighbour tables are small.
  for (auto& n : dump_neighbours(ifindex)) {
    if (n.address == ip) return std::move(n);
  }
  return std::nullopt;
}

std::vector<Neighbour> dump_neighbours(int ifindex) {
  AttributeTable attrs({{NDA_DST, MNL_TYPE_U32}, {NDA_LLADDR, MNL_TYPE_BINARY}});
  return dump<ndmsg, Neighbour>(RTM_GETNEIGH, AF_INET, "neighbour table",
                                [&](const nlmsghdr& m, std::vector<Neighbour>& out) {
    if (m.nlmsg_type != RTM_NEWNEIGH) return MNL_CB_OK;
    const auto* nd = family_header<ndmsg>(m);
    if (nd == nullptr) return MNL_CB_ERROR;
    if (nd->ndm_family != AF_INET || (ifindex != 0 && nd->ndm_ifindex != ifindex)) return MNL_CB_OK;
    if (attrs.parse(m, sizeof(ndmsg)) != MNL_CB_OK) return MNL_CB_ERROR;
    const nlattr* dst = attrs.get(NDA_DST);
    if (dst == nullptr) return MNL_CB_OK;
    Neighbour n;
    n.ifindex = nd->ndm_ifindex;
    n.state = nd->ndm_state;
    n.address = ipv4_of(dst);
    n.mac = mac_of(attrs.get(NDA_LLADDR));
    out.push_back(std::move(n));
    return MNL_CB_OK;
  });
}

}  // namespace portsweep::netlink
