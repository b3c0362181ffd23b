#pragma once
// The pieces every rtnetlink query of netlink_route.cpp and
// netlink_route6.cpp shares: building a request, running a dump that is
// asked again when the table changed under it, turning a failed request into
// a sentence, and reading the attribute kinds both families use.
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include <cstring>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "io/mac_addr.hpp"
#include "io/netlink_request.hpp"

namespace portsweep::netlink::detail {

// A dump that raced a table change is flagged; it is cheap to ask again.
inline constexpr int kDumpAttempts = 3;
// Room for a request: header, family header and a few attributes (an IPv6
// destination is 20 bytes with its header).
inline constexpr size_t kRequestBuffer = 256;

// The sentence for a request that did not complete; `what` names what was
// asked for ("routing table").
[[noreturn]] void fail(const RequestResult& r, const std::string& what);

// A hardware address attribute holds whatever the link type uses (4 bytes
// on an IPIP tunnel, 20 on InfiniBand); only Ethernet's 6 are a MAC.
std::optional<MacAddr> mac_of(const nlattr* a);

// A NUL-terminated string attribute (validated as such).
std::string string_of(const nlattr* a);

// Starts a request for `type` whose payload opens with family header Header
// (every rtnetlink family header starts with the address family byte).
template <typename Header>
Header* start_request(char* buf, uint16_t type, uint16_t flags, uint8_t family) {
  nlmsghdr* h = mnl_nlmsg_put_header(buf);
  h->nlmsg_type = type;
  h->nlmsg_flags = flags;
  auto* header = static_cast<Header*>(mnl_nlmsg_put_extra_header(h, sizeof(Header)));
  std::memcpy(header, &family, 1);
  return header;
}

// Runs a dump, starting over if the kernel says the table changed under it.
// `parse` sees every message and returns MNL_CB_ERROR (errno set) for one
// that is malformed, which fails the dump.
template <typename Header, typename Out>
std::vector<Out> dump(uint16_t type, uint8_t family, const char* what,
                      const std::function<int(const nlmsghdr&, std::vector<Out>&)>& parse) {
  for (int attempt = 1;; ++attempt) {
    std::vector<Out> out;
    alignas(nlmsghdr) char buf[kRequestBuffer] = {};
    start_request<Header>(buf, type, NLM_F_DUMP, family);
    const RequestResult r =
        run_request(*reinterpret_cast<nlmsghdr*>(buf), [&](const nlmsghdr& m) { return parse(m, out); });
    if (r.ok()) return out;
    if (r.outcome != Outcome::DumpChanged || attempt == kDumpAttempts) fail(r, what);
  }
}

}  // namespace portsweep::netlink::detail
