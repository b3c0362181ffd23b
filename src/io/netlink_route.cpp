#include "io/netlink_route.hpp"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>

#include "common/error.hpp"
#include "targets/ipv4.hpp"

namespace portsweep::netlink {

namespace {

// Big enough for any one datagram the kernel sends a dump in.
constexpr size_t kRecvBuffer = 64 * 1024;
// A dump that raced a table change is flagged; it is cheap to ask again.
constexpr int kDumpAttempts = 3;

class DumpInterrupted {};

std::string errno_text(int err) { return std::strerror(err); }

// NLMSG_OK and NLMSG_NEXT over an unsigned byte count: the kernel's macros
// compare an int with the u32 nlmsg_len (an error under clang's
// -Wsign-compare), and NLMSG_NEXT can step past the end of the datagram when
// its last message is not padded to 4 bytes.
bool message_fits(const nlmsghdr* m, size_t left) {
  return left >= sizeof(nlmsghdr) && m->nlmsg_len >= sizeof(nlmsghdr) && m->nlmsg_len <= left;
}
const nlmsghdr* next_message(const nlmsghdr* m, size_t& left) {
  const size_t step = std::min<size_t>(NLMSG_ALIGN(m->nlmsg_len), left);
  left -= step;
  return reinterpret_cast<const nlmsghdr*>(reinterpret_cast<const char*>(m) + step);
}

// A request: header, fixed family message, then attributes.
struct Request {
  alignas(NLMSG_ALIGNTO) char buf[512] = {};

  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf); }

  template <typename Msg>
  Msg* start(uint16_t type, uint16_t flags) {
    nlmsghdr* h = header();
    h->nlmsg_len = NLMSG_LENGTH(sizeof(Msg));
    h->nlmsg_type = type;
    h->nlmsg_flags = flags;
    return reinterpret_cast<Msg*>(NLMSG_DATA(h));
  }

  void add_u32(uint16_t type, uint32_t value) {
    nlmsghdr* h = header();
    auto* rta = reinterpret_cast<rtattr*>(buf + NLMSG_ALIGN(h->nlmsg_len));
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(sizeof value);
    std::memcpy(RTA_DATA(rta), &value, sizeof value);
    h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
  }
};

class Socket {
 public:
  Socket() {
    fd_ = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd_ < 0) {
      throw RuntimeFailure("cannot open a netlink socket to read the routing tables: " +
                           errno_text(errno) + ".");
    }
    // The kernel answers at once; a timeout only guards against a hang.
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      int err = errno;
      ::close(fd_);
      throw RuntimeFailure("cannot bind a netlink socket: " + errno_text(err) + ".");
    }
    buffer_.resize(kRecvBuffer);
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  // Sends req and feeds every answer message to on_message. Returns 0, or the
  // negative errno the kernel answered with.
  int transact(Request& req, const std::function<void(const nlmsghdr*)>& on_message) {
    nlmsghdr* h = req.header();
    h->nlmsg_seq = ++seq_;
    h->nlmsg_flags |= NLM_F_REQUEST;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    auto* to = reinterpret_cast<sockaddr*>(&kernel);
    if (::sendto(fd_, h, h->nlmsg_len, 0, to, sizeof kernel) < 0) {
      throw RuntimeFailure("cannot send a netlink request: " + errno_text(errno) + ".");
    }
    bool interrupted = false;
    for (;;) {
      iovec iov{buffer_.data(), buffer_.size()};
      msghdr msg{};
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      ssize_t n = ::recvmsg(fd_, &msg, 0);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw RuntimeFailure("no answer from the kernel to a netlink request: " +
                             errno_text(errno) + ".");
      }
      if ((msg.msg_flags & MSG_TRUNC) != 0) {
        throw RuntimeFailure("a netlink answer did not fit in " + std::to_string(buffer_.size()) +
                             " bytes.");
      }
      bool more = false;
      size_t left = static_cast<size_t>(n);
      for (auto* m = reinterpret_cast<const nlmsghdr*>(buffer_.data()); message_fits(m, left);
           m = next_message(m, left)) {
        if (m->nlmsg_seq != seq_) continue;  // a late answer to an earlier request
        if ((m->nlmsg_flags & NLM_F_DUMP_INTR) != 0) interrupted = true;
        if (m->nlmsg_type == NLMSG_DONE) {
          if (interrupted) throw DumpInterrupted{};
          return 0;
        }
        if (m->nlmsg_type == NLMSG_ERROR) {
          const auto* e = reinterpret_cast<const nlmsgerr*>(NLMSG_DATA(m));
          return e->error;  // 0 is an acknowledgement
        }
        on_message(m);
        more = (m->nlmsg_flags & NLM_F_MULTI) != 0;
      }
      if (!more) return 0;
    }
  }

 private:
  int fd_ = -1;
  uint32_t seq_ = 0;
  std::vector<char> buffer_;
};

template <typename Fn>
void for_each_attr(const rtattr* rta, int len, Fn&& fn) {
  for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) fn(rta);
}

uint32_t attr_u32(const rtattr* rta) {
  uint32_t v = 0;
  if (RTA_PAYLOAD(rta) >= sizeof v) std::memcpy(&v, RTA_DATA(rta), sizeof v);
  return v;
}

// An IPv4 address attribute, network order on the wire, host order here.
uint32_t attr_ipv4(const rtattr* rta) { return ntohl(attr_u32(rta)); }

std::optional<MacAddr> attr_mac(const rtattr* rta) {
  if (RTA_PAYLOAD(rta) != 6) return std::nullopt;
  MacAddr mac;
  std::memcpy(mac.bytes.data(), RTA_DATA(rta), 6);
  return mac;
}

std::string attr_string(const rtattr* rta) {
  const char* s = static_cast<const char*>(RTA_DATA(rta));
  return std::string(s, strnlen(s, RTA_PAYLOAD(rta)));
}

// Runs a dump, starting over if the kernel says the table changed under it.
template <typename Msg, typename Out>
std::vector<Out> dump(uint16_t type, uint8_t family, const char* what,
                      const std::function<void(const nlmsghdr*, std::vector<Out>&)>& parse) {
  for (int attempt = 1;; ++attempt) {
    std::vector<Out> out;
    Socket sock;
    Request req;
    Msg* msg = req.start<Msg>(type, NLM_F_DUMP);
    std::memcpy(msg, &family, 1);  // every rtnetlink family message starts with it
    try {
      int err = sock.transact(req, [&](const nlmsghdr* m) { parse(m, out); });
      if (err != 0) {
        throw RuntimeFailure(std::string("cannot read the ") + what + " from the kernel: " +
                             errno_text(-err) + ".");
      }
      return out;
    } catch (const DumpInterrupted&) {
      if (attempt == kDumpAttempts) {
        throw RuntimeFailure(std::string("the ") + what +
                             " kept changing while being read; try again.");
      }
    }
  }
}

Route parse_route(const nlmsghdr* m, uint32_t* table) {
  const auto* rt = reinterpret_cast<const rtmsg*>(NLMSG_DATA(m));
  Route r;
  r.dst_len = rt->rtm_dst_len;
  r.type = rt->rtm_type;
  *table = rt->rtm_table;
  for_each_attr(RTM_RTA(rt), static_cast<int>(RTM_PAYLOAD(m)), [&](const rtattr* a) {
    switch (a->rta_type) {
      case RTA_DST: r.dst = attr_ipv4(a); break;
      case RTA_OIF: r.oif = static_cast<int>(attr_u32(a)); break;
      case RTA_GATEWAY: r.gateway = attr_ipv4(a); break;
      case RTA_PREFSRC: r.prefsrc = attr_ipv4(a); break;
      case RTA_PRIORITY: r.metric = attr_u32(a); break;
      case RTA_TABLE: *table = attr_u32(a); break;
      default: break;
    }
  });
  return r;
}

}  // namespace

bool Neighbour::is_fresh() const noexcept {
  return mac && (state & (NUD_REACHABLE | NUD_PERMANENT | NUD_NOARP)) != 0;
}

bool Neighbour::is_unconfirmed() const noexcept {
  return mac && (state & (NUD_STALE | NUD_DELAY | NUD_PROBE)) != 0;
}

std::vector<Link> dump_links() {
  return dump<ifinfomsg, Link>(RTM_GETLINK, AF_UNSPEC, "interface list",
                               [](const nlmsghdr* m, std::vector<Link>& out) {
    if (m->nlmsg_type != RTM_NEWLINK) return;
    const auto* ifi = reinterpret_cast<const ifinfomsg*>(NLMSG_DATA(m));
    Link link;
    link.index = ifi->ifi_index;
    link.type = ifi->ifi_type;
    link.flags = ifi->ifi_flags;
    for_each_attr(IFLA_RTA(ifi), static_cast<int>(IFLA_PAYLOAD(m)), [&](const rtattr* a) {
      switch (a->rta_type) {
        case IFLA_IFNAME: link.name = attr_string(a); break;
        case IFLA_MTU: link.mtu = attr_u32(a); break;
        case IFLA_ADDRESS: link.mac = attr_mac(a); break;
        default: break;
      }
    });
    out.push_back(std::move(link));
  });
}

std::vector<Ipv4Address> dump_ipv4_addresses() {
  return dump<ifaddrmsg, Ipv4Address>(RTM_GETADDR, AF_INET, "interface addresses",
                                      [](const nlmsghdr* m, std::vector<Ipv4Address>& out) {
    if (m->nlmsg_type != RTM_NEWADDR) return;
    const auto* ifa = reinterpret_cast<const ifaddrmsg*>(NLMSG_DATA(m));
    if (ifa->ifa_family != AF_INET) return;
    Ipv4Address addr;
    addr.ifindex = static_cast<int>(ifa->ifa_index);
    addr.prefix_len = ifa->ifa_prefixlen;
    std::optional<uint32_t> local, address;
    for_each_attr(IFA_RTA(ifa), static_cast<int>(IFA_PAYLOAD(m)), [&](const rtattr* a) {
      switch (a->rta_type) {
        case IFA_LOCAL: local = attr_ipv4(a); break;
        case IFA_ADDRESS: address = attr_ipv4(a); break;
        case IFA_LABEL: addr.label = attr_string(a); break;
        default: break;
      }
    });
    // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is ours.
    if (!local && !address) return;
    addr.address = local ? *local : *address;
    out.push_back(std::move(addr));
  });
}

std::vector<Route> dump_ipv4_routes() {
  auto routes = dump_ipv4_lookup_routes();
  std::erase_if(routes, [](const Route& r) { return r.table != RT_TABLE_MAIN; });
  return routes;
}

std::vector<Route> dump_ipv4_lookup_routes() {
  return dump<rtmsg, Route>(RTM_GETROUTE, AF_INET, "routing table",
                            [](const nlmsghdr* m, std::vector<Route>& out) {
    if (m->nlmsg_type != RTM_NEWROUTE) return;
    const auto* rt = reinterpret_cast<const rtmsg*>(NLMSG_DATA(m));
    if (rt->rtm_family != AF_INET || (rt->rtm_flags & RTM_F_CLONED) != 0) return;
    uint32_t table = 0;
    Route r = parse_route(m, &table);
    r.table = table;
    if (table == RT_TABLE_MAIN || table == RT_TABLE_LOCAL) out.push_back(r);
  });
}

std::optional<Route> lookup_route(uint32_t dst, int oif) {
  Socket sock;
  Request req;
  auto* rt = req.start<rtmsg>(RTM_GETROUTE, 0);
  rt->rtm_family = AF_INET;
  rt->rtm_dst_len = 32;
  req.add_u32(RTA_DST, htonl(dst));
  if (oif > 0) req.add_u32(RTA_OIF, static_cast<uint32_t>(oif));
  std::optional<Route> found;
  int err = sock.transact(req, [&](const nlmsghdr* m) {
    if (m->nlmsg_type != RTM_NEWROUTE) return;
    uint32_t table = 0;
    found = parse_route(m, &table);
  });
  switch (-err) {
    case 0: break;
    // The kernel's ways of saying "no route": unreachable, prohibited,
    // blackholed, or the forced interface is down.
    case ENETUNREACH: case EHOSTUNREACH: case EACCES: case EINVAL: case ENETDOWN:
      return std::nullopt;
    default:
      throw RuntimeFailure("cannot look up the route to " + format_ipv4(dst) + ": " +
                           errno_text(-err) + ".");
  }
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
  return dump<ndmsg, Neighbour>(RTM_GETNEIGH, AF_INET, "neighbour table",
                                [&](const nlmsghdr* m, std::vector<Neighbour>& out) {
    if (m->nlmsg_type != RTM_NEWNEIGH) return;
    const auto* nd = reinterpret_cast<const ndmsg*>(NLMSG_DATA(m));
    if (nd->ndm_family != AF_INET || (ifindex != 0 && nd->ndm_ifindex != ifindex)) return;
    Neighbour n;
    n.ifindex = nd->ndm_ifindex;
    n.state = nd->ndm_state;
    bool has_dst = false;
    for_each_attr(reinterpret_cast<const rtattr*>(reinterpret_cast<const char*>(nd) +
                                                  NLMSG_ALIGN(sizeof(ndmsg))),
                  static_cast<int>(NLMSG_PAYLOAD(m, sizeof(ndmsg))), [&](const rtattr* a) {
      switch (a->rta_type) {
        case NDA_DST: n.address = attr_ipv4(a); has_dst = true; break;
        case NDA_LLADDR: n.mac = attr_mac(a); break;
        default: break;
      }
    });
    if (has_dst) out.push_back(std::move(n));
  });
}

}  // namespace portsweep::netlink
