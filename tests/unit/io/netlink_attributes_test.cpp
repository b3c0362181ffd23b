// The validation every netlink attribute passes before it is read, on
// messages built here (short, over-long, unterminated, unknown attributes),
// and one request to the kernel through the shared helper (no root).
#include "io/netlink_attributes.hpp"

#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include <cstring>

#include "io/netlink_request.hpp"
#include "io/xdp_link.hpp"

namespace portsweep::netlink {
namespace {

// A route message whose attributes the tests append.
struct Message {
  alignas(nlmsghdr) char buf[512] = {};
  nlmsghdr* h = nullptr;
  Message() {
    h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = RTM_NEWROUTE;
    mnl_nlmsg_put_extra_header(h, sizeof(rtmsg));
  }
};

AttributeTable route_rules() {
  return AttributeTable({{RTA_DST, MNL_TYPE_U32}, {RTA_OIF, MNL_TYPE_U32}, {RTA_TABLE, MNL_TYPE_U32}});
}

TEST(NetlinkAttributes, ReadsWellFormedAttributes) {
  Message m;
  mnl_attr_put_u32(m.h, RTA_DST, 0x0100000a);
  mnl_attr_put_u32(m.h, RTA_OIF, 7);
  AttributeTable attrs = route_rules();
  ASSERT_EQ(attrs.parse(*m.h, sizeof(rtmsg)), MNL_CB_OK);
  ASSERT_NE(attrs.get(RTA_DST), nullptr);
  EXPECT_EQ(mnl_attr_get_u32(attrs.get(RTA_DST)), 0x0100000au);
  EXPECT_EQ(mnl_attr_get_u32(attrs.get(RTA_OIF)), 7u);
  EXPECT_EQ(attrs.get(RTA_TABLE), nullptr);
  EXPECT_EQ(attrs.get(999), nullptr);
}

TEST(NetlinkAttributes, RejectsAShortU32) {
  Message m;
  const uint16_t two_bytes = 7;
  mnl_attr_put(m.h, RTA_OIF, sizeof two_bytes, &two_bytes);
  AttributeTable attrs = route_rules();
  errno = 0;
  EXPECT_EQ(attrs.parse(*m.h, sizeof(rtmsg)), MNL_CB_ERROR);
  EXPECT_EQ(errno, ERANGE);
  EXPECT_EQ(attrs.get(RTA_OIF), nullptr);
}

TEST(NetlinkAttributes, RejectsAnOverlongU32) {
  Message m;
  const uint64_t eight_bytes = 7;
  mnl_attr_put(m.h, RTA_TABLE, sizeof eight_bytes, &eight_bytes);
  AttributeTable attrs = route_rules();
  EXPECT_EQ(attrs.parse(*m.h, sizeof(rtmsg)), MNL_CB_ERROR);
}

TEST(NetlinkAttributes, RejectsAnUnterminatedString) {
  Message m;
  mnl_attr_put(m.h, IFLA_IFNAME, 3, "eth");
  AttributeTable attrs({{IFLA_IFNAME, MNL_TYPE_NUL_STRING}});
  errno = 0;
  EXPECT_EQ(attrs.parse(*m.h, sizeof(rtmsg)), MNL_CB_ERROR);
  EXPECT_EQ(errno, EINVAL);
}

TEST(NetlinkAttributes, SkipsTypesWithoutARuleWhateverTheirLength) {
  Message m;
  const char odd[3] = {1, 2, 3};
  mnl_attr_put(m.h, RTA_GATEWAY, sizeof odd, odd);  // not ruled here
  mnl_attr_put(m.h, 200, sizeof odd, odd);          // beyond every rule
  mnl_attr_put_u32(m.h, RTA_DST, 1);
  AttributeTable attrs = route_rules();
  ASSERT_EQ(attrs.parse(*m.h, sizeof(rtmsg)), MNL_CB_OK);
  EXPECT_EQ(attrs.get(RTA_GATEWAY), nullptr);
  EXPECT_NE(attrs.get(RTA_DST), nullptr);
}

TEST(NetlinkAttributes, StopsAtAnAttributeThatOverrunsTheMessage) {
  Message m;
  mnl_attr_put_u32(m.h, RTA_DST, 1);
  nlattr* last = static_cast<nlattr*>(mnl_nlmsg_get_payload_tail(m.h));
  mnl_attr_put_u32(m.h, RTA_OIF, 9);
  last->nla_len = 200;  // claims more than the message holds
  AttributeTable attrs = route_rules();
  ASSERT_EQ(attrs.parse(*m.h, sizeof(rtmsg)), MNL_CB_OK);
  EXPECT_NE(attrs.get(RTA_DST), nullptr);
  EXPECT_EQ(attrs.get(RTA_OIF), nullptr);
}

TEST(NetlinkAttributes, ValidatesInsideANest) {
  Message m;
  nlattr* nest = mnl_attr_nest_start(m.h, IFLA_XDP);
  const uint16_t short_id = 5;
  mnl_attr_put_u8(m.h, IFLA_XDP_ATTACHED, XDP_ATTACHED_SKB);
  mnl_attr_put(m.h, IFLA_XDP_PROG_ID, sizeof short_id, &short_id);
  mnl_attr_nest_end(m.h, nest);
  AttributeTable outer({{IFLA_XDP, MNL_TYPE_NESTED}});
  ASSERT_EQ(outer.parse(*m.h, sizeof(rtmsg)), MNL_CB_OK);
  ASSERT_NE(outer.get(IFLA_XDP), nullptr);
  AttributeTable inner({{IFLA_XDP_ATTACHED, MNL_TYPE_U8}, {IFLA_XDP_PROG_ID, MNL_TYPE_U32}});
  EXPECT_EQ(inner.parse_nested(*outer.get(IFLA_XDP)), MNL_CB_ERROR);
}

TEST(NetlinkAttributes, FamilyHeaderNeedsTheWholeHeader) {
  alignas(nlmsghdr) char buf[64] = {};
  nlmsghdr* h = mnl_nlmsg_put_header(buf);
  mnl_nlmsg_put_extra_header(h, 4);  // shorter than an rtmsg
  errno = 0;
  EXPECT_EQ(family_header<rtmsg>(*h), nullptr);
  EXPECT_EQ(errno, EBADMSG);
  mnl_nlmsg_put_extra_header(h, sizeof(rtmsg) - 4);
  EXPECT_NE(family_header<rtmsg>(*h), nullptr);
}

// The shared helper against the kernel: a dump ends at DONE, a get at its
// acknowledgement, a refusal carries the kernel's errno, a rejected message
// ends the request as malformed.
TEST(NetlinkRequest, DumpGetRefusalAndRejection) {
  auto link_request = [](char* buf, uint16_t flags, int ifindex) {
    nlmsghdr* h = mnl_nlmsg_put_header(buf);
    h->nlmsg_type = RTM_GETLINK;
    h->nlmsg_flags = flags;
    auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(h, sizeof(ifinfomsg)));
    ifi->ifi_index = ifindex;
    return h;
  };
  int links = 0;
  auto count = [&](const nlmsghdr& m) {
    if (m.nlmsg_type == RTM_NEWLINK) ++links;
    return MNL_CB_OK;
  };
  alignas(nlmsghdr) char dump[64] = {};
  EXPECT_TRUE(run_request(*link_request(dump, NLM_F_DUMP, 0), count).ok());
  EXPECT_GE(links, 1);  // lo, at least

  links = 0;
  alignas(nlmsghdr) char get[64] = {};
  EXPECT_TRUE(run_request(*link_request(get, 0, 1), count).ok());
  EXPECT_EQ(links, 1);

  alignas(nlmsghdr) char missing[64] = {};
  const RequestResult refused = run_request(*link_request(missing, 0, 0x7ffffff0), count);
  EXPECT_EQ(refused.outcome, Outcome::Refused);
  EXPECT_EQ(refused.error, ENODEV);

  alignas(nlmsghdr) char rejected[64] = {};
  const RequestResult r = run_request(*link_request(rejected, 0, 1), [](const nlmsghdr&) {
    errno = ERANGE;
    return MNL_CB_ERROR;
  });
  EXPECT_EQ(r.outcome, Outcome::Malformed);
  EXPECT_EQ(r.error, ERANGE);
}

TEST(XdpLink, NothingOnLoopbackOrAMissingInterface) {
  EXPECT_FALSE(xdp_attachment(1).has_value());
  EXPECT_FALSE(xdp_attachment(0x7ffffff0).has_value());
  EXPECT_TRUE(detach_xdp(0x7ffffff0));
}

}  // namespace
}  // namespace portsweep::netlink
