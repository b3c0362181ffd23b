#include "io/netlink_route6.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "io/netlink_attributes.hpp"
#include "io/netlink_dump.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep::netlink {

namespace {

using detail::dump, detail::fail, detail::kRequestBuffer, detail::mac_of, detail::start_request;

// Reads a 16-byte address attribute into `out`; false (errno EBADMSG) for
// any other length, which rejects the message.
bool read_ipv6(const nlattr* a, u128& out) {
  if (mnl_attr_get_payload_len(a) != 16) {
    errno = EBADMSG;
    return false;
  }
  out = load_ipv6(static_cast<const uint8_t*>(mnl_attr_get_payload(a)));
  return true;
}

AttributeTable route_attributes() {
  return AttributeTable({{RTA_DST, MNL_TYPE_BINARY},
                         {RTA_OIF, MNL_TYPE_U32},
                         {RTA_GATEWAY, MNL_TYPE_BINARY},
                         {RTA_PREFSRC, MNL_TYPE_BINARY},
                         {RTA_PRIORITY, MNL_TYPE_U32},
                         {RTA_TABLE, MNL_TYPE_U32}});
}

int parse_route(const nlmsghdr& m, const rtmsg& rt, AttributeTable& attrs, Route6& r) {
  if (attrs.parse(m, sizeof(rtmsg)) != MNL_CB_OK) return MNL_CB_ERROR;
  r.dst_len = rt.rtm_dst_len;
  r.type = rt.rtm_type;
  r.table = rt.rtm_table;
  if (const nlattr* a = attrs.get(RTA_DST); a != nullptr && !read_ipv6(a, r.dst)) return MNL_CB_ERROR;
  if (const nlattr* a = attrs.get(RTA_GATEWAY); a != nullptr && !read_ipv6(a, r.gateway)) return MNL_CB_ERROR;
  if (const nlattr* a = attrs.get(RTA_PREFSRC); a != nullptr && !read_ipv6(a, r.prefsrc)) return MNL_CB_ERROR;
  if (const nlattr* a = attrs.get(RTA_OIF)) r.oif = static_cast<int>(mnl_attr_get_u32(a));
  if (const nlattr* a = attrs.get(RTA_PRIORITY)) r.metric = mnl_attr_get_u32(a);
  if (const nlattr* a = attrs.get(RTA_TABLE)) r.table = mnl_attr_get_u32(a);
  return MNL_CB_OK;
}

}  // namespace

bool Ipv6Address::usable() const noexcept {
  return (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)) == 0;
}

bool Ipv6Address::deprecated() const noexcept { return (flags & IFA_F_DEPRECATED) != 0; }

bool Neighbour6::is_fresh() const noexcept {
  return mac && (state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)) != 0;
}

bool Neighbour6::is_unconfirmed() const noexcept {
  return mac && (state & (NUD_STALE | NUD_DELAY | NUD_PROBE)) != 0;
}

std::vector<Ipv6Address> dump_ipv6_addresses(int ifindex) {
  AttributeTable attrs({{IFA_ADDRESS, MNL_TYPE_BINARY}, {IFA_LOCAL, MNL_TYPE_BINARY}, {IFA_FLAGS, MNL_TYPE_U32}});
  return dump<ifaddrmsg, Ipv6Address>(RTM_GETADDR, AF_INET6, "interface addresses",
                                      [&](const nlmsghdr& m, std::vector<Ipv6Address>& out) {
    if (m.nlmsg_type != RTM_NEWADDR) return MNL_CB_OK;
    const auto* ifa = family_header<ifaddrmsg>(m);
    if (ifa == nullptr) return MNL_CB_ERROR;
    if (ifa->ifa_family != AF_INET6) return MNL_CB_OK;
    if (ifindex != 0 && static_cast<int>(ifa->ifa_index) != ifindex) return MNL_CB_OK;
    if (attrs.parse(m, sizeof(ifaddrmsg)) != MNL_CB_OK) return MNL_CB_ERROR;
    Ipv6Address addr;
    addr.ifindex = static_cast<int>(ifa->ifa_index);
    addr.prefix_len = ifa->ifa_prefixlen;
    addr.scope = ifa->ifa_scope;
    // IFA_FLAGS, when present, holds all the flags; ifa_flags only the low 8.
    const nlattr* flags = attrs.get(IFA_FLAGS);
    addr.flags = flags != nullptr ? mnl_attr_get_u32(flags) : ifa->ifa_flags;
    // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours.
    const nlattr* local = attrs.get(IFA_LOCAL);
    const nlattr* address = local != nullptr ? local : attrs.get(IFA_ADDRESS);
    if (address == nullptr) return MNL_CB_OK;
    if (!read_ipv6(address, addr.address)) return MNL_CB_ERROR;
    out.push_back(addr);
    return MNL_CB_OK;
  });
}

std::vector<Route6> dump_ipv6_routes() {
  auto routes = dump_ipv6_lookup_routes();
  std::erase_if(routes, [](const Route6& r) { return r.table != RT_TABLE_MAIN; });
  return routes;
}

std::vector<Route6> dump_ipv6_lookup_routes() {
  AttributeTable attrs = route_attributes();
  return dump<rtmsg, Route6>(RTM_GETROUTE, AF_INET6, "IPv6 routing table",
                             [&](const nlmsghdr& m, std::vector<Route6>& out) {
    if (m.nlmsg_type != RTM_NEWROUTE) return MNL_CB_OK;
    const auto* rt = family_header<rtmsg>(m);
    if (rt == nullptr) return MNL_CB_ERROR;
    if (rt->rtm_family != AF_INET6 || (rt->rtm_flags & RTM_F_CLONED) != 0) return MNL_CB_OK;
    Route6 r;
    if (parse_route(m, *rt, attrs, r) != MNL_CB_OK) return MNL_CB_ERROR;
    if (r.table == RT_TABLE_MAIN || r.table == RT_TABLE_LOCAL) out.push_back(r);
    return MNL_CB_OK;
  });
}

std::optional<Route6> lookup_route6(u128 dst, int oif) {
  alignas(nlmsghdr) char buf[kRequestBuffer] = {};
  auto* rt = start_request<rtmsg>(buf, RTM_GETROUTE, 0, AF_INET6);
  rt->rtm_dst_len = 128;
  auto* request = reinterpret_cast<nlmsghdr*>(buf);
  uint8_t bytes[16];
  store_ipv6(bytes, dst);
  mnl_attr_put(request, RTA_DST, sizeof bytes, bytes);
  if (oif > 0) mnl_attr_put_u32(request, RTA_OIF, static_cast<uint32_t>(oif));
  AttributeTable attrs = route_attributes();
  std::optional<Route6> found;
  const RequestResult r = run_request(*request, [&](const nlmsghdr& m) {
    if (m.nlmsg_type != RTM_NEWROUTE) return MNL_CB_OK;
    const auto* answer = family_header<rtmsg>(m);
    Route6 route;
    if (answer == nullptr || parse_route(m, *answer, attrs, route) != MNL_CB_OK) return MNL_CB_ERROR;
    found = route;
    return MNL_CB_OK;
  });
  const std::string what = "route to " + IpAddress::v6(dst).to_string();
  if (r.outcome == Outcome::Refused) {
    switch (r.error) {
      case ENETUNREACH: case EHOSTUNREACH: case EACCES: case EINVAL: case ENETDOWN:
        return std::nullopt;
      default:
        throw RuntimeFailure("cannot look up the " + what + ": " + std::strerror(r.error) + ".");
    }
  }
  if (!r.ok()) fail(r, what);
  if (found && found->type != RTN_UNICAST && found->type != RTN_LOCAL) return std::nullopt;
  return found;
}

std::vector<Neighbour6> dump_neighbours6(int ifindex) {
  AttributeTable attrs({{NDA_DST, MNL_TYPE_BINARY}, {NDA_LLADDR, MNL_TYPE_BINARY}});
  return dump<ndmsg, Neighbour6>(RTM_GETNEIGH, AF_INET6, "IPv6 neighbour table",
                                 [&](const nlmsghdr& m, std::vector<Neighbour6>& out) {
    if (m.nlmsg_type != RTM_NEWNEIGH) return MNL_CB_OK;
    const auto* nd = family_header<ndmsg>(m);
    if (nd == nullptr) return MNL_CB_ERROR;
    if (nd->ndm_family != AF_INET6 || (ifindex != 0 && nd->ndm_ifindex != ifindex)) return MNL_CB_OK;
    if (attrs.parse(m, sizeof(ndmsg)) != MNL_CB_OK) return MNL_CB_ERROR;
    const nlattr* dst = attrs.get(NDA_DST);
    if (dst == nullptr) return MNL_CB_OK;
    Neighbour6 n;
    if (!read_ipv6(dst, n.address)) return MNL_CB_ERROR;
    n.ifindex = nd->ndm_ifindex;
    n.state = nd->ndm_state;
    n.is_router = (nd->ndm_flags & NTF_ROUTER) != 0;
    n.mac = mac_of(attrs.get(NDA_LLADDR));
    out.push_back(n);
    return MNL_CB_OK;
  });
}

}  // namespace portsweep::netlink
