#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command_line.hpp"
#include "cli/os_hint_options.hpp"
#include "common/error.hpp"
#include "engine/os_hints.hpp"
#include "os/p0f_signatures.hpp"
#include "os/passive_hint.hpp"
#include "packet/checksum.hpp"
#include "packet/packet_decoder.hpp"
#include "portsweep_config.h"
#include "probes/probe_module.hpp"

namespace portsweep::os {
namespace {

constexpr const char* kDebianP0f = "/etc/p0f/p0f.fp";

std::string own_file() { return std::string(PORTSWEEP_SOURCE_DATADIR) + "/p0f-response.fp"; }

// ---------------------------------------------------------------- frames

struct Tcp {
  uint8_t ttl = 64;
  bool df = true;
  uint16_t ip_id = 0;
  uint8_t tos = 0;
  uint8_t flags = 0x12;  // SYN-ACK
  uint32_t seq = 0x12345678, ack = 0x9abcdef0;
  uint16_t window = 64240;
  uint16_t urg = 0;
  std::vector<uint8_t> options;  // padded to 4 bytes by the caller's choice
  size_t payload = 0;
};

void put16(std::vector<uint8_t>& b, size_t at, uint16_t v) {
  b[at] = static_cast<uint8_t>(v >> 8);
  b[at + 1] = static_cast<uint8_t>(v);
}
void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  put16(b, at, static_cast<uint16_t>(v >> 16));
  put16(b, at + 2, static_cast<uint16_t>(v));
}

// An IPv4 datagram from 198.18.1.10:22 to 198.18.1.1:40000.
std::vector<uint8_t> datagram(const Tcp& t) {
  const size_t tcp_len = 20 + t.options.size();
  std::vector<uint8_t> b(20 + tcp_len + t.payload, 0);
  b[0] = 0x45;
  b[1] = t.tos;
  put16(b, 2, static_cast<uint16_t>(b.size()));
  put16(b, 4, t.ip_id);
  put16(b, 6, t.df ? 0x4000 : 0);
  b[8] = t.ttl;
  b[9] = 6;
  put32(b, 12, 0xC612010A);
  put32(b, 16, 0xC6120101);
  uint8_t* tcp = b.data() + 20;
  (void)tcp;
  put16(b, 20, 22);
  put16(b, 22, 40000);
  put32(b, 24, t.seq);
  put32(b, 28, t.ack);
  b[32] = static_cast<uint8_t>((tcp_len / 4) << 4);
  b[33] = t.flags;
  put16(b, 34, t.window);
  put16(b, 38, t.urg);
  std::copy(t.options.begin(), t.options.end(), b.begin() + 40);
  return b;
}

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  std::string digits;
  for (char c : s)
    if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) out.push_back(static_cast<uint8_t>(std::stoi(digits.substr(i, 2), nullptr, 16)));
  return out;
}

// Options, as stacks lay them out.
const std::vector<uint8_t> kMss1460 = {2, 4, 0x05, 0xb4};
std::vector<uint8_t> linux_full(uint8_t ws) {  // mss,sok,ts,nop,ws
  return {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x10, 0, 0, 0, 0, 0, 1, 3, 3, ws};
}
std::vector<uint8_t> linux_no_ts(uint8_t ws) {  // mss,nop,nop,sok,nop,ws
  return {2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, ws};
}
const std::vector<uint8_t> kLinuxNoWs = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0x10, 0, 0, 0, 0, 0};  // mss,sok,ts
std::vector<uint8_t> windows_full() {  // mss,nop,ws,sok,ts
  return {2, 4, 0x05, 0xb4, 1, 3, 3, 8, 4, 2, 8, 10, 0, 0, 0x10, 0, 0, 0, 0, 0};
}

// Captured in the lab (tcpdump in ps-scan, Linux 6.18 hosts): 198.18.1.10's
// SYN-ACK to the sweep's SYN (MSS only), and a reset from a closed port.
const std::vector<uint8_t> kLabSynAck =
    hex("4500 002c 0000 4000 4006 ac9c c612 010a c612 0101 0016 ca39 8c09 41d0 2028 3ce0 6012 faf0 19c4 0000 0204 05b4");
const std::vector<uint8_t> kLabReset =
    hex("4500 0028 0000 4000 4006 aca0 c612 010a c612 0101 270f ca22 0000 0000 0062 9797 5014 0000 9875 0000");
// The lab's TTL-128 personality with the largest buffers (198.18.1.254).
const std::vector<uint8_t> kLabTtl128SynAck =
    hex("4500 002c 0000 4000 8006 6ba8 c612 01fe c612 0101 0016 ca21 9bfd 4494 fcc2 4418 6012 ffff 1d4e 0000 0204 05b4");

PassiveObservation observe(const std::vector<uint8_t>& d) {
  PassiveObservation o;
  EXPECT_TRUE(observe_tcp_reply(d.data(), d.size(), o));
  return o;
}

std::string label_of(const PassiveClassifier& c, const std::vector<uint8_t>& d) {
  return hint_label(c.classify(observe(d)));
}

const PassiveClassifier* debian() {
  static const PassiveClassifier* c =
      std::filesystem::exists(kDebianP0f) ? new PassiveClassifier(P0fDatabase::load(kDebianP0f)) : nullptr;
  return c;
}

#define NEED_DEBIAN_P0F()                                                                                 \
  if (debian() == nullptr) GTEST_SKIP() << kDebianP0f << " is not installed (Debian's p0f package): the " \
                                                         "test reads p0f's own signatures"

// ---------------------------------------------------------------- parser

TEST(P0fSignatures, ReadsDebiansFile) {
  NEED_DEBIAN_P0F();
  const P0fDatabase& db = debian()->database();
  EXPECT_GE(db.responses().size(), 50u);
  EXPECT_GE(db.requests().size(), 50u);
  EXPECT_NE(std::find(db.classes().begin(), db.classes().end(), "unix"), db.classes().end());
  // Every signature points at a label of the TCP sections with a name.
  bool linux_response = false, generic_request = false;
  for (const P0fTcpSignature& s : db.responses()) {
    ASSERT_LT(s.label, db.labels().size());
    const P0fLabel& l = db.labels()[s.label];
    EXPECT_FALSE(l.name.empty()) << "line " << s.line;
    linux_response = linux_response || (l.name == "Linux" && s.ittl == 64 && (s.quirks & kQuirkDf));
  }
  for (const P0fTcpSignature& s : db.requests()) generic_request = generic_request || db.labels()[s.label].generic;
  EXPECT_TRUE(linux_response);
  EXPECT_TRUE(generic_request);
}

TEST(P0fSignatures, ReadsItsOwnFile) {
  const P0fDatabase db = P0fDatabase::load(own_file());
  ASSERT_EQ(db.responses().size(), 3u);
  const P0fTcpSignature& s = db.responses()[0];
  EXPECT_EQ(db.labels()[s.label].text(), "Linux 6.x");
  EXPECT_EQ(s.version, -1);
  EXPECT_EQ(s.ittl, 64);
  EXPECT_EQ(s.mss, -1);
  EXPECT_EQ(s.window, P0fWindow::Mss);
  EXPECT_EQ(s.window_value, 44u);
  EXPECT_EQ(s.scale, 0);
  EXPECT_EQ(format_p0f_layout(s.layout.data(), s.layout_len, s.eol_pad), "mss");
  EXPECT_EQ(s.quirks, kQuirkDf);
  EXPECT_EQ(s.pclass, 0);
  EXPECT_TRUE(db.labels()[db.responses()[2].label].generic);
}

TEST(P0fSignatures, ParsesEveryField) {
  const P0fDatabase db = P0fDatabase::parse(
      "classes = win,unix\n"
      "[tcp:response]\n"
      "label = s:unix:Test:a:b\n"
      "sys = Linux,@unix\n"
      "sig = 4:128-:4:1380:%8192,14:nop,ws,?30,sack,mss,ts,eol+3:id-,ecn,0+,seq-,ack+,ack-,uptr+,urgf+,pushf+,ts1-,"
      "ts2+,opt+,exws,bad,flow:+\n"
      "sig = 6:255:0:*:mtu*4,*::df,id+:*\n"
      "sig = *:64:0:0:*,*:::0\n",
      "t.fp");
  ASSERT_EQ(db.responses().size(), 3u);
  const P0fTcpSignature& a = db.responses()[0];
  EXPECT_EQ(db.labels()[a.label].flavor, "a:b");
  EXPECT_EQ(db.labels()[a.label].sys, (std::vector<std::string>{"Linux", "@unix"}));
  EXPECT_EQ(a.version, 4);
  EXPECT_EQ(a.ittl, 128);
  EXPECT_TRUE(a.ttl_is_max);
  EXPECT_EQ(a.olen, 4);
  EXPECT_EQ(a.mss, 1380);
  EXPECT_EQ(a.window, P0fWindow::Mod);
  EXPECT_EQ(a.window_value, 8192u);
  EXPECT_EQ(a.scale, 14);
  EXPECT_EQ(format_p0f_layout(a.layout.data(), a.layout_len, a.eol_pad), "nop,ws,?30,sack,mss,ts,eol+3");
  EXPECT_EQ(format_p0f_quirks(a.quirks), "id-,ecn,0+,flow,seq-,ack+,ack-,uptr+,urgf+,pushf+,ts1-,ts2+,opt+,exws,bad");
  EXPECT_EQ(a.pclass, 1);
  const P0fTcpSignature& b = db.responses()[1];
  EXPECT_EQ(b.version, 6);
  EXPECT_EQ(b.window, P0fWindow::Mtu);
  EXPECT_EQ(b.scale, -1);
  EXPECT_EQ(b.layout_len, 0);
  EXPECT_EQ(b.quirks, kQuirkDf | kQuirkIdPlus);
  EXPECT_EQ(b.pclass, -1);
  EXPECT_EQ(db.responses()[2].mss, 0);
  EXPECT_EQ(db.responses()[2].window, P0fWindow::Any);
  EXPECT_EQ(db.responses()[2].line, 7u);
}

struct Bad {
  std::string text;
  std::string message;  // the whole what()
};

class P0fMalformed : public ::testing::TestWithParam<Bad> {};

TEST_P(P0fMalformed, OneLineNamingFileAndLine) {
  try {
    P0fDatabase::parse(GetParam().text, "bad.fp");
    FAIL() << "accepted:\n" << GetParam().text;
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()), GetParam().message);
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
  }
}

const std::string kHead = "classes = win,unix\n[tcp:response]\nlabel = s:unix:Linux:3.x\n";

INSTANTIATE_TEST_SUITE_P(
    Inputs, P0fMalformed,
    ::testing::Values(
        Bad{"[tcp:sideways]\n", "bad.fp:1: unknown section [tcp:sideways]: expected mtu, tcp:request, tcp:response, "
                                "http:request or http:response"},
        Bad{"[mtu\n", "bad.fp:1: section \"[mtu\" does not end with ']'"},
        Bad{"just words\n", "bad.fp:1: \"just words\" is neither a [section] nor \"key = value\""},
        Bad{"label = s:unix:Linux:3.x\n", "bad.fp:1: a label before any [section]"},
        Bad{"classes = unix\n[tcp:response]\nsig = *:64:0:*:*,*:mss:df:0\n",
            "bad.fp:3: a signature before any label of its section"},
        Bad{"classes = unix\n[tcp:response]\nlabel = s:win:Windows:7\n",
            "bad.fp:3: label \"s:win:Windows:7\": class \"win\" is not in \"classes\" (nor \"!\", for applications)"},
        Bad{"classes = unix\n[tcp:response]\nlabel = x:unix:Linux:3\n",
            "bad.fp:3: label \"x:unix:Linux:3\": type \"x\", expected s or g"},
        Bad{"classes = unix\n[tcp:response]\nlabel = s:unix:Linux\n",
            "bad.fp:3: label \"s:unix:Linux\": expected type:class:name:flavor"},
        Bad{kHead + "sig = *:64:0:*:*,*:mss:df\n",
            "bad.fp:4: signature \"*:64:0:*:*,*:mss:df\" has 7 fields; expected 8: "
            "ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass"},
        Bad{kHead + "sig = 5:64:0:*:*,*:mss:df:0\n", "bad.fp:4: signature \"5:64:0:*:*,*:mss:df:0\": ver \"5\", expected 4, 6 or *"},
        Bad{kHead + "sig = *:256:0:*:*,*:mss:df:0\n",
            "bad.fp:4: signature \"*:256:0:*:*,*:mss:df:0\": ittl \"256\", expected a TTL 1-255, optionally followed by '-'"},
        Bad{kHead + "sig = *:64:44:*:*,*:mss:df:0\n",
            "bad.fp:4: signature \"*:64:44:*:*,*:mss:df:0\": olen \"44\", expected the IP options' length, 0-40"},
        Bad{kHead + "sig = *:64:0:x:*,*:mss:df:0\n",
            "bad.fp:4: signature \"*:64:0:x:*,*:mss:df:0\": mss \"x\", expected a number 0-65535 or *"},
        Bad{kHead + "sig = *:64:0:*:mss*,7:mss:df:0\n",
            "bad.fp:4: signature \"*:64:0:*:mss*,7:mss:df:0\": wsize \"mss*\", expected mss*N or mtu*N with N 1-65535"},
        Bad{kHead + "sig = *:64:0:*:65536,7:mss:df:0\n",
            "bad.fp:4: signature \"*:64:0:*:65536,7:mss:df:0\": wsize \"65536\", expected a window 0-65535, mss*N, "
            "mtu*N, %N or *"},
        Bad{kHead + "sig = *:64:0:*:8192:mss:df:0\n",
            "bad.fp:4: signature \"*:64:0:*:8192:mss:df:0\": wsize,scale \"8192\", expected two fields, e.g. mss*10,7"},
        Bad{kHead + "sig = *:64:0:*:*,*:mss,wscale:df:0\n",
            "bad.fp:4: signature \"*:64:0:*:*,*:mss,wscale:df:0\": olayout \"wscale\", expected eol+n, nop, mss, ws, "
            "sok, sack, ts or ?n"},
        Bad{kHead + "sig = *:64:0:*:*,*:eol+1,mss:df:0\n",
            "bad.fp:4: signature \"*:64:0:*:*,*:eol+1,mss:df:0\": olayout \"eol+1,mss\", expected nothing after eol+n"},
        Bad{kHead + "sig = *:64:0:*:*,*:mss:df,dF:0\n",
            "bad.fp:4: signature \"*:64:0:*:*,*:mss:df,dF:0\": quirk \"dF\", expected df, id+, id-, ecn, 0+, flow, "
            "seq-, ack+, ack-, uptr+, urgf+, pushf+, ts1-, ts2+, opt+, exws or bad"},
        Bad{kHead + "sig = *:64:0:*:*,*:mss:df:1\n",
            "bad.fp:4: signature \"*:64:0:*:*,*:mss:df:1\": pclass \"1\", expected 0, + or *"},
        Bad{kHead + "colour = blue\n", "bad.fp:4: unknown key \"colour\": expected classes, label, sys, sig or ua_os"},
        Bad{"classes = unix\n[mtu]\nlabel = Ethernet\nsig = 15oo\n",
            "bad.fp:4: MTU signature \"15oo\": expected a number 1-65535"},
        Bad{"classes = unix\n[tcp:request]\nlabel = s:unix:Linux:3.x\nsig = *:64:0:*:*,*:mss:df:0\n",
            "bad.fp: no [tcp:response] signature: nothing to classify a SYN-ACK with"},
        Bad{std::string("classes = unix\n[tcp:response]\nlabel = s:unix:Li\0nux:3\n", 54),
            "bad.fp:3: a NUL byte: not a text file"}));

TEST(P0fSignatures, MissingFileIsOneLine) {
  try {
    P0fDatabase::load("/nonexistent/p0f.fp");
    FAIL();
  } catch (const RuntimeFailure& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/p0f.fp"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------- observation

TEST(PassiveObservation, ReadsTheLabsSynAck) {
  const PassiveObservation o = observe(kLabSynAck);
  EXPECT_TRUE(o.is_synack());
  EXPECT_EQ(o.ttl, 64);
  EXPECT_EQ(o.ittl, 64);
  EXPECT_EQ(o.distance(), 0);
  EXPECT_TRUE(o.has_mss);
  EXPECT_EQ(o.mss, 1460);
  EXPECT_EQ(o.window, 64240);
  EXPECT_EQ(format_observed_signature(o), "4:64+0:0:1460:mss*44,0:mss:df:0");
  EXPECT_EQ(format_observed_signature(observe(kLabReset)), "4:64+0:0:0:0,0::df,seq-:0");
}

TEST(PassiveObservation, GuessesInitialTtlAndDistance) {
  Tcp t;
  t.options = kMss1460;
  t.ttl = 52;
  EXPECT_EQ(format_observed_signature(observe(datagram(t))), "4:52+12:0:1460:mss*44,0:mss:df:0");
  t.ttl = 113;
  EXPECT_EQ(observe(datagram(t)).ittl, 128);
  t.ttl = 250;
  EXPECT_EQ(observe(datagram(t)).ittl, 255);
  t.ttl = 30;
  EXPECT_EQ(observe(datagram(t)).ittl, 32);
}

TEST(PassiveObservation, Quirks) {
  Tcp t;
  t.options = linux_full(7);
  t.df = true;
  t.ip_id = 4321;
  t.tos = 0x02;       // ECT
  t.flags = 0x12 | 0x08 | 0x20 | 0x40;  // PSH, URG, ECE
  t.seq = 0;
  t.ack = 0;
  t.window = 29200;
  t.payload = 3;
  std::vector<uint8_t> d = datagram(t);
  d[6] |= 0x80;  // the reserved ("evil") bit
  const PassiveObservation o = observe(d);
  EXPECT_EQ(format_p0f_quirks(o.quirks), "df,id+,ecn,0+,seq-,ack-,urgf+,pushf+");
  EXPECT_EQ(format_observed_signature(o), "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df,id+,ecn,0+,seq-,ack-,urgf+,pushf+:+");

  Tcp u;
  u.df = false;
  u.ip_id = 0;
  u.flags = 0x02;  // a bare SYN: ts2+ applies, ack+ too
  u.ack = 5;
  u.urg = 9;
  u.options = {2, 4, 0x05, 0xb4, 8, 10, 0, 0, 0, 0, 0, 0, 0, 1, 3, 3, 15, 0, 7, 0};  // ts1-, ws 15, eol then 7
  const PassiveObservation p = observe(datagram(u));
  EXPECT_EQ(format_p0f_quirks(p.quirks), "id-,ack+,uptr+,ts1-,ts2+,opt+,exws");
  EXPECT_EQ(format_p0f_layout(p.layout.data(), p.layout_len, p.eol_pad), "mss,ts,ws,eol+2");

  Tcp v;
  v.options = {2, 4, 0x05, 0xb4, 3, 9, 0, 0};  // a WS option longer than the header holds
  EXPECT_NE(observe(datagram(v)).quirks & kQuirkBad, 0u);
}

TEST(PassiveObservation, RefusesWhatIsNotIpv4Tcp) {
  PassiveObservation o;
  std::vector<uint8_t> d = kLabSynAck;
  EXPECT_FALSE(observe_tcp_reply(d.data(), 30, o));  // cut inside the TCP header
  d[9] = 17;
  EXPECT_FALSE(observe_tcp_reply(d.data(), d.size(), o));
  d = kLabSynAck;
  d[0] = 0x65;
  EXPECT_FALSE(observe_tcp_reply(d.data(), d.size(), o));
  d = kLabSynAck;
  d[32] = 0xf0;  // data offset past the datagram
  EXPECT_FALSE(observe_tcp_reply(d.data(), d.size(), o));
}

// ---------------------------------------------------------------- matching

TEST(PassiveMatch, ExactGenericFuzzyClosestOnAFileOfItsOwn) {
  const PassiveClassifier c(P0fDatabase::parse(
      "classes = win,unix\n[tcp:response]\n"
      "label = g:unix:Unixish:\n"
      "sig = *:64:0:*:*,*:mss:df:0\n"
      "label = s:unix:Alpha:1\n"
      "sig = *:64:0:*:mss*10,0:mss:df:0\n"
      "label = s:unix:Beta:2\n"
      "sig = *:64:0:1460:%8192,0:mss:df,id+:0\n"
      "label = s:win:Gamma:3\n"
      "sig = *:128:0:*:65535,0:mss:df,id+:0\n"
      "label = s:unix:Delta:4\n"
      "sig = *:64-:0:*:mtu*4,0:mss::0\n",
      "own.fp"));
  Tcp t;
  t.options = kMss1460;
  t.window = 14600;
  EXPECT_EQ(label_of(c, datagram(t)), "Alpha 1");  // specific beats the generic line above it
  t.window = 16384;
  t.ip_id = 7;
  EXPECT_EQ(label_of(c, datagram(t)), "Beta 2");   // %8192 and id+
  t.ip_id = 0;
  EXPECT_EQ(label_of(c, datagram(t)), "Unixish");  // the generic one, exact, before Beta's fuzzy (id+ gone)
  t.window = 65535;
  t.ttl = 110;
  EXPECT_EQ(label_of(c, datagram(t)), "Gamma 3 (fuzzy)");  // id+ missing
  t.ttl = 64;
  EXPECT_EQ(label_of(c, datagram(t)), "Unixish");
  t.df = false;
  t.ip_id = 99;     // (an ID of 0 without DF would be the id- quirk)
  t.window = 6000;  // (1460 + 40) * 4, TTL under Delta's maximum, no DF
  t.ttl = 60;
  EXPECT_EQ(label_of(c, datagram(t)), "Delta 4");
  t.ttl = 128;
  t.df = true;
  t.window = 5000;
  EXPECT_EQ(label_of(c, datagram(t)), "Gamma (closest)");  // the window differs, nothing else
  t.ttl = 255;
  EXPECT_EQ(label_of(c, datagram(t)), "");
}

TEST(PassiveMatch, DebianLinuxWithAndWithoutTimestampsAndWindowScaling) {
  NEED_DEBIAN_P0F();
  Tcp t;
  t.window = 14600;  // 10 segments
  t.options = linux_full(7);
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Linux 3.x");
  t.options = linux_no_ts(7);
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Linux 3.x");
  t.options = kLinuxNoWs;
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Linux 3.x");
  t.options = kMss1460;
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Linux 3.x");
  t.window = 5840;  // 4 segments, scale 5: 2.6
  t.options = linux_full(5);
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Linux 2.6.x");
  // Seen through 12 routers: the same, TTL 52.
  t.ttl = 52;
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Linux 2.6.x");
}

TEST(PassiveMatch, DebianWindowsTtl128) {
  NEED_DEBIAN_P0F();
  Tcp t;
  t.ttl = 121;
  t.ip_id = 0x1f3a;
  t.window = 8192;
  t.options = windows_full();
  EXPECT_EQ(label_of(*debian(), datagram(t)), "Windows 7 or 8");
  EXPECT_EQ(format_observed_signature(observe(datagram(t))), "4:121+7:0:1460:8192,8:mss,nop,ws,sok,ts:df,id+:0");
}

TEST(PassiveMatch, DebianOnTheLabsLinux) {
  NEED_DEBIAN_P0F();
  // p0f 3's Linux lines predate 6.x's 44-segment window: the family, not the version.
  EXPECT_EQ(label_of(*debian(), kLabSynAck), "Linux (closest)");
  EXPECT_EQ(label_of(*debian(), kLabReset), "Linux (IP header only)");
  // TTL 128 on a Linux stack reads as Windows by its TTL; its reset (DF, IP
  // ID 0) as no one's.
  EXPECT_EQ(label_of(*debian(), kLabTtl128SynAck), "Windows XP (fuzzy)");
  std::vector<uint8_t> reset128 = kLabReset;
  reset128[8] = 128;
  EXPECT_EQ(label_of(*debian(), reset128), "");
}

TEST(PassiveMatch, OwnFileOnTheLabsLinux) {
  const PassiveClassifier c(P0fDatabase::load(own_file()));
  EXPECT_EQ(label_of(c, kLabSynAck), "Linux 6.x");
  EXPECT_EQ(label_of(c, kLabReset), "Linux (IP header only)");
  Tcp t;
  t.options = kMss1460;
  t.window = 2920;
  EXPECT_EQ(label_of(c, datagram(t)), "Linux 6.x (small buffers)");
  t.window = 29200;
  EXPECT_EQ(label_of(c, datagram(t)), "Linux");  // the generic line
  t.ttl = 128;
  EXPECT_EQ(label_of(c, datagram(t)), "");
}

// ---------------------------------------------------------------- the RX path's collector

DecodedPacket decoded(const std::vector<uint8_t>& d) {
  DecodedPacket p;
  EXPECT_EQ(decode_ipv4(d.data(), d.size(), p, {.verify_checksums = false}), DecodeStatus::Ok);
  return p;
}

TEST(OsHintCollector, OneSynAckPerHostAndAResetOnlyUntilThen) {
  const PassiveClassifier c(P0fDatabase::load(own_file()));
  OsHintCollector hints(256);
  std::vector<OsHintRecord> got;
  const auto drain = [&] {
    got.clear();
    hints.drain([&](const OsHintCapture& cap) {
      OsHintRecord r;
      EXPECT_TRUE(read_os_hint(cap, c, r));
      got.push_back(r);
    });
  };
  const DecodedPacket rst = decoded(kLabReset), synack = decoded(kLabSynAck);
  hints.note(rst, 10);
  hints.note(rst, 10);  // a second reset of the host: nothing new
  drain();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].observation.is_rst());
  EXPECT_EQ(got[0].ip, 0xC612010Au);
  hints.note(synack, 10);  // the SYN-ACK after it: better, taken
  hints.note(synack, 10);
  hints.note(rst, 10);
  hints.note(synack, 11);  // another host
  drain();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].observation.is_synack());
  EXPECT_EQ(hint_label(got[0].match), "Linux 6.x");
  EXPECT_EQ(format_observed_signature(got[0].observation), "4:64+0:0:1460:mss*44,0:mss:df:0");
  hints.reset();
  hints.note(synack, 10);
  drain();
  EXPECT_EQ(got.size(), 1u);
  // Not TCP, not a SYN-ACK or reset: nothing.
  DecodedPacket other = synack;
  other.tcp_flags = 0x10;
  hints.note(other, 12);
  other.ip_proto = 1;
  hints.note(other, 13);
  drain();
  EXPECT_TRUE(got.empty());
}

TEST(OsHintCollector, CapturesHeadersAndKnowsOfAPayload) {
  Tcp t;
  t.options = linux_full(7);
  t.window = 29200;
  t.payload = 400;
  const std::vector<uint8_t> d = datagram(t);
  OsHintCollector hints(16);
  hints.note(decoded(d), 3);
  const PassiveClassifier c(P0fDatabase::load(own_file()));
  size_t n = hints.drain([&](const OsHintCapture& cap) {
    EXPECT_EQ(cap.len, 60);  // the headers, not the payload
    OsHintRecord r;
    ASSERT_TRUE(read_os_hint(cap, c, r));
    EXPECT_EQ(format_observed_signature(r.observation), "4:64+0:0:1460:mss*20,7:mss,sok,ts,nop,ws:df:+");
  });
  EXPECT_EQ(n, 1u);
}

TEST(OsHintCollector, AFullRingLeavesTheHostForItsNextReply) {
  EXPECT_EQ(OsHintCollector(100).ring_slots(), 256u);
  EXPECT_EQ(OsHintCollector(1).ring_slots(), 64u);
  EXPECT_EQ(OsHintCollector(1 << 20).ring_slots(), OsHintCollector::kMaxRingSlots);
  OsHintCollector small(100, 64);
  const DecodedPacket synack = decoded(kLabSynAck);
  for (uint64_t a = 0; a <= 64; ++a) small.note(synack, a);
  size_t n = small.drain([](const OsHintCapture&) {});
  EXPECT_EQ(n, 64u);
  small.note(synack, 64);  // dropped before: tried again
  small.note(synack, 63);  // taken before: not again
  n = small.drain([](const OsHintCapture&) {});
  EXPECT_EQ(n, 1u);
}

// ---------------------------------------------------------------- --os-hint

TEST(OsHintOption, DefaultsAndRefusals) {
  const ProbeModule* syn = find_probe_module("tcp_syn");
  const ProbeModule* udp = find_probe_module("udp");
  ASSERT_NE(syn, nullptr);
  ASSERT_NE(udp, nullptr);
  std::ostringstream err;
  ScanOptions o;
  o.datadir = std::string(PORTSWEEP_SOURCE_DATADIR);  // the project's file first... unless p0f.fp is in it
  EXPECT_EQ(os_hint_classifier(o, {syn}, 65536, err) != nullptr, kOsHintByDefault);
  EXPECT_NE(os_hint_classifier(o, {syn}, 65536, err, /*os_detection=*/true), nullptr);  // -O turns it on
  EXPECT_EQ(os_hint_classifier(o, {udp}, 65536, err, true), nullptr);  // ... where a TCP reply can come
  EXPECT_EQ(os_hint_classifier(o, {udp}, 65536, err), nullptr);  // default: off where no TCP reply comes
  EXPECT_EQ(os_hint_classifier(o, {syn}, uint64_t{1} << 32, err), nullptr);
  o.os_hint = false;
  EXPECT_EQ(os_hint_classifier(o, {syn}, 65536, err), nullptr);
  o.os_hint = true;
  o.verbose = 1;
  const auto c = os_hint_classifier(o, {syn, udp}, 65536, err);
  ASSERT_NE(c, nullptr);
  EXPECT_NE(err.str().find("portsweep: passive OS hints from 3 SYN-ACK signatures in"), std::string::npos) << err.str();
  EXPECT_THROW(os_hint_classifier(o, {udp}, 65536, err), UsageError);
  EXPECT_THROW(os_hint_classifier(o, {}, 65536, err), UsageError);
  EXPECT_THROW(os_hint_classifier(o, {syn}, uint64_t{1} << 32, err), UsageError);
  try {
    os_hint_classifier(o, {udp}, 65536, err);
  } catch (const UsageError& e) {
    EXPECT_EQ(std::string(e.what()),
              "--os-hint reads the SYN-ACKs and resets of a TCP port sweep, and this scan has no TCP scan type: add "
              "one (-sS, -sA, ...)");
  }
  EXPECT_THROW(refuse_os_hint(o, "a connect scan (-sT)"), UsageError);
  o.os_hint.reset();
  EXPECT_NO_THROW(refuse_os_hint(o, "a connect scan (-sT)"));
  o.datadir = "/nonexistent";
  o.os_hint = true;
  o.verbose = 0;
  // A --datadir without the file falls through to the next place.
  EXPECT_NE(os_hint_classifier(o, {syn}, 256, err), nullptr);
}

TEST(OsHintOption, CommandLine) {
  const auto parse = [](std::vector<std::string> args, std::string* err_text = nullptr) {
    std::ostringstream out, err;
    ParsedCommandLine p = parse_command_line(args, out, err);
    if (err_text) *err_text = err.str();
    return p;
  };
  EXPECT_EQ(parse({"--os-hint", "-p", "22", "198.18.1.10"}).options->os_hint, true);
  EXPECT_EQ(parse({"--no-os-hint", "-p", "22", "198.18.1.10"}).options->os_hint, false);
  EXPECT_EQ(parse({"-p", "22", "198.18.1.10"}).options->os_hint, std::nullopt);
  std::string err;
  const ParsedCommandLine both = parse({"--os-hint", "-p", "22", "--no-os-hint", "198.18.1.10"}, &err);
  EXPECT_FALSE(both.options.has_value());
  EXPECT_EQ(both.exit_status, 2);
  EXPECT_EQ(err, "portsweep: --os-hint and --no-os-hint contradict each other: expected one of them\n");
}

TEST(OsHintOption, RecordAsTheOutputsCarryIt) {
  const PassiveClassifier c(P0fDatabase::load(own_file()));
  OsHintRecord r;
  r.ip = 0xC612010A;
  r.observation = observe(kLabSynAck);
  r.match = c.classify(r.observation);
  const OsHint h = os_hint_of(r);
  EXPECT_EQ(h.ip, IpAddress::v4(0xC612010A));
  EXPECT_EQ(h.label, "Linux 6.x");
  EXPECT_EQ(h.signature, "4:64+0:0:1460:mss*44,0:mss:df:0");
}

}  // namespace
}  // namespace portsweep::os
