#include "io/xdp_link.hpp"

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>

#include "io/netlink_attributes.hpp"
#include "io/netlink_request.hpp"

namespace portsweep {

namespace {

// Room for RTM_SETLINK's headers and its IFLA_XDP nest of two attributes.
constexpr size_t kRequestBuffer = 256;

// Starts an RTM_*LINK request about `ifindex` in `buf`.
nlmsghdr* link_request(char* buf, uint16_t type, int ifindex) {
  nlmsghdr* h = mnl_nlmsg_put_header(buf);
  h->nlmsg_type = type;
  auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(h, sizeof(ifinfomsg)));
  ifi->ifi_family = AF_UNSPEC;
  ifi->ifi_index = ifindex;
  return h;
}

}  // namespace

std::optional<XdpAttachment> xdp_attachment(int ifindex) {
  alignas(nlmsghdr) char buf[kRequestBuffer] = {};
  nlmsghdr* request = link_request(buf, RTM_GETLINK, ifindex);
  netlink::AttributeTable link({{IFLA_XDP, MNL_TYPE_NESTED}});
  netlink::AttributeTable xdp({{IFLA_XDP_ATTACHED, MNL_TYPE_U8}, {IFLA_XDP_PROG_ID, MNL_TYPE_U32}});
  std::optional<XdpAttachment> found;
  const netlink::RequestResult r = netlink::run_request(*request, [&](const nlmsghdr& m) {
    if (m.nlmsg_type != RTM_NEWLINK) return MNL_CB_OK;
    if (netlink::family_header<ifinfomsg>(m) == nullptr || link.parse(m, sizeof(ifinfomsg)) != MNL_CB_OK) {
      return MNL_CB_ERROR;
    }
    const nlattr* nest = link.get(IFLA_XDP);
    if (nest == nullptr) return MNL_CB_OK;
    if (xdp.parse_nested(*nest) != MNL_CB_OK) return MNL_CB_ERROR;
    XdpAttachment x;
    if (const nlattr* a = xdp.get(IFLA_XDP_ATTACHED)) x.mode = mnl_attr_get_u8(a);
    if (const nlattr* a = xdp.get(IFLA_XDP_PROG_ID)) x.prog_id = mnl_attr_get_u32(a);
    if (x.mode != XDP_ATTACHED_NONE) found = x;
    return MNL_CB_OK;
  });
  if (!r.ok()) {
    errno = r.error;
    return std::nullopt;
  }
  return found;
}

bool detach_xdp(int ifindex) {
  auto current = xdp_attachment(ifindex);
  if (!current) return true;
  // A program is removed in the mode it was attached in; "multi" means
  // several modes at once, so try each.
  uint32_t modes[3] = {XDP_FLAGS_DRV_MODE, XDP_FLAGS_SKB_MODE, XDP_FLAGS_HW_MODE};
  for (uint32_t mode : modes) {
    if (current->mode == XDP_ATTACHED_DRV && mode != XDP_FLAGS_DRV_MODE) continue;
    if (current->mode == XDP_ATTACHED_SKB && mode != XDP_FLAGS_SKB_MODE) continue;
    if (current->mode == XDP_ATTACHED_HW && mode != XDP_FLAGS_HW_MODE) continue;
    alignas(nlmsghdr) char buf[kRequestBuffer] = {};
    nlmsghdr* request = link_request(buf, RTM_SETLINK, ifindex);
    nlattr* nest = mnl_attr_nest_start(request, IFLA_XDP);
    const int32_t no_program = -1;
    mnl_attr_put(request, IFLA_XDP_FD, sizeof no_program, &no_program);
    mnl_attr_put_u32(request, IFLA_XDP_FLAGS, mode);
    mnl_attr_nest_end(request, nest);
    const netlink::RequestResult r = netlink::run_request(*request, [](const nlmsghdr&) { return MNL_CB_OK; });
    // The kernel may refuse a mode the program is not attached in; whether
    // it is gone is decided by asking again below.
    if (!r.ok() && r.outcome != netlink::Outcome::Refused) {
      errno = r.error;
      return false;
    }
  }
  if (xdp_attachment(ifindex)) {
    errno = EBUSY;
    return false;
  }
  return true;
}

}  // namespace portsweep
