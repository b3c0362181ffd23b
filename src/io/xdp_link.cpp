#include "io/xdp_link.hpp"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace portsweep {

namespace {

struct NetlinkFd {
  int fd = -1;
  NetlinkFd() {
    fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return;
    timeval tv{2, 0};  // the kernel answers at once; this only guards a hang
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~NetlinkFd() {
    if (fd >= 0) ::close(fd);
  }
  NetlinkFd(const NetlinkFd&) = delete;
  NetlinkFd& operator=(const NetlinkFd&) = delete;
};

struct LinkRequest {
  alignas(NLMSG_ALIGNTO) char buf[256] = {};
  nlmsghdr* h() { return reinterpret_cast<nlmsghdr*>(buf); }

  LinkRequest(uint16_t type, uint16_t flags, int ifindex) {
    h()->nlmsg_len = NLMSG_LENGTH(sizeof(ifinfomsg));
    h()->nlmsg_type = type;
    h()->nlmsg_flags = flags;
    auto* ifi = reinterpret_cast<ifinfomsg*>(NLMSG_DATA(h()));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = ifindex;
  }

  rtattr* add(uint16_t type, const void* data, size_t len) {
    auto* rta = reinterpret_cast<rtattr*>(buf + NLMSG_ALIGN(h()->nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(len));
    if (len != 0) std::memcpy(RTA_DATA(rta), data, len);
    h()->nlmsg_len = NLMSG_ALIGN(h()->nlmsg_len) + RTA_ALIGN(rta->rta_len);
    return rta;
  }
  void end_nest(rtattr* nest) {
    nest->rta_len = static_cast<unsigned short>(buf + h()->nlmsg_len - reinterpret_cast<char*>(nest));
  }
};

// Sends the request and returns the reply's length in `reply` (0 on failure,
// errno set). An ACK-only request gets back an NLMSG_ERROR with error 0.
ssize_t transact(LinkRequest& req, char* reply, size_t cap) {
  NetlinkFd nl;
  if (nl.fd < 0) return -1;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(nl.fd, req.buf, req.h()->nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0) {
    return -1;
  }
  return ::recv(nl.fd, reply, cap, 0);
}

}  // namespace

std::optional<XdpAttachment> xdp_attachment(int ifindex) {
  LinkRequest req(RTM_GETLINK, NLM_F_REQUEST, ifindex);
  alignas(NLMSG_ALIGNTO) char reply[16384];
  ssize_t n = transact(req, reply, sizeof reply);
  if (n <= 0) return std::nullopt;
  auto* h = reinterpret_cast<nlmsghdr*>(reply);
  if (!NLMSG_OK(h, static_cast<unsigned>(n)) || h->nlmsg_type != RTM_NEWLINK) return std::nullopt;
  auto* ifi = reinterpret_cast<ifinfomsg*>(NLMSG_DATA(h));
  int len = static_cast<int>(IFLA_PAYLOAD(h));
  for (rtattr* a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    if ((a->rta_type & NLA_TYPE_MASK) != IFLA_XDP) continue;
    XdpAttachment x;
    int inner = static_cast<int>(RTA_PAYLOAD(a));
    for (rtattr* b = reinterpret_cast<rtattr*>(RTA_DATA(a)); RTA_OK(b, inner);
         b = RTA_NEXT(b, inner)) {
      if (b->rta_type == IFLA_XDP_ATTACHED) x.mode = *reinterpret_cast<uint8_t*>(RTA_DATA(b));
      if (b->rta_type == IFLA_XDP_PROG_ID) std::memcpy(&x.prog_id, RTA_DATA(b), 4);
    }
    if (x.mode == XDP_ATTACHED_NONE) return std::nullopt;
    return x;
  }
  return std::nullopt;
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
    LinkRequest req(RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK, ifindex);
    rtattr* nest = req.add(IFLA_XDP | NLA_F_NESTED, nullptr, 0);
    int32_t fd = -1;
    req.add(IFLA_XDP_FD, &fd, sizeof fd);
    req.add(IFLA_XDP_FLAGS, &mode, sizeof mode);
    req.end_nest(nest);
    alignas(NLMSG_ALIGNTO) char reply[1024];
    ssize_t n = transact(req, reply, sizeof reply);
    if (n <= 0) return false;
  }
  if (xdp_attachment(ifindex)) {
    errno = EBUSY;
    return false;
  }
  return true;
}

}  // namespace portsweep
