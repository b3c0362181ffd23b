// The per-port state machine with no network: events are fed by hand on a
// fake clock, so every branch of nmap's algorithm is checked exactly.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "detect/probe_session.hpp"
#include "test_db.hpp"

namespace portsweep::test {
namespace {

using std::chrono::milliseconds;
using Next = ProbeSession::Next;

class ProbeSessionTest : public ::testing::Test {
 protected:
  ProbeSession make(uint16_t port = 2121) { return ProbeSession(db, options, {0x0a000001, port, Proto::Tcp}); }

  // Matches the session's response the way the scanner does.
  Next feed(ProbeSession& s, std::string_view bytes) {
    s.on_data(bytes);
    EXPECT_TRUE(s.match_due());
    return s.on_match(db.match(*s.probe(), s.response(), s.softmatched()), now);
  }

  ServiceProbeDb db = test_db();
  DetectOptions options;
  ProbeSession::Clock::time_point now{};
};

TEST_F(ProbeSessionTest, NullProbeTimeoutReusesTheConnectionAndKeepsTheBanner) {
  ProbeSession s = make();
  ASSERT_EQ(s.start(now), Next::Connect);
  EXPECT_EQ(s.probe()->name, "NULL");
  EXPECT_EQ(s.deadline(), now + milliseconds(600));
  EXPECT_EQ(s.on_connected(now), Next::Send);
  EXPECT_EQ(s.payload(), "");
  EXPECT_EQ(feed(s, "garbage\r\n"), Next::Read);
  now += milliseconds(600);
  ASSERT_EQ(s.on_timeout(now), Next::Send);
  EXPECT_EQ(s.probe()->name, "TLSHello");
  EXPECT_EQ(s.response(), "garbage\r\n");  // carried over
  EXPECT_EQ(s.deadline(), now + milliseconds(300));
  now += milliseconds(300);
  // A probe other than NULL gets a fresh connection and a fresh response.
  ASSERT_EQ(s.on_timeout(now), Next::Connect);
  EXPECT_EQ(s.probe()->name, "GetRequest");
  EXPECT_EQ(s.response(), "");
}

TEST_F(ProbeSessionTest, HardMatchEndsTheSession) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  EXPECT_EQ(feed(s, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"), Next::Done);
  ServiceOutcome o = s.outcome();
  EXPECT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(o.probes_sent, 1u);
}

TEST_F(ProbeSessionTest, SoftmatchSkipsProbesThatCannotNameTheService) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  EXPECT_EQ(feed(s, "220 box lab ftp ready\r\n"), Next::Read);
  EXPECT_EQ(s.softmatched(), "ftp");
  now += milliseconds(600);
  ASSERT_EQ(s.on_timeout(now), Next::Send);
  EXPECT_EQ(s.probe()->name, "Help");
  now += milliseconds(300);
  EXPECT_EQ(s.on_timeout(now), Next::Done);
  ServiceOutcome o = s.outcome();
  EXPECT_EQ(o.verdict, ServiceVerdict::SoftMatched);
  EXPECT_EQ(o.match->service, "ftp");
  EXPECT_EQ(o.match->hostname, "box");
}

TEST_F(ProbeSessionTest, IntensityNineDoesNotNarrow) {
  options.intensity = 9;
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  feed(s, "220 box lab ftp ready\r\n");
  now += milliseconds(600);
  ASSERT_EQ(s.on_timeout(now), Next::Send);
  EXPECT_EQ(s.probe()->name, "TLSHello");
}

TEST_F(ProbeSessionTest, IntensityLimitsUnlistedProbes) {
  options.intensity = 2;  // Help has rarity 3
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  now += milliseconds(600);
  s.on_timeout(now);  // TLSHello
  now += milliseconds(300);
  s.on_timeout(now);  // GetRequest
  EXPECT_EQ(s.probe()->name, "GetRequest");
  now += milliseconds(300);
  EXPECT_EQ(s.on_timeout(now), Next::Done);
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::NoMatch);
}

TEST_F(ProbeSessionTest, EarlyCloseOnTheNullProbeIsTcpWrapped) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  now += milliseconds(399);
  EXPECT_EQ(s.on_closed(now), Next::Done);
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::TcpWrapped);
}

TEST_F(ProbeSessionTest, LateCloseMovesToTheNextProbe) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  now += milliseconds(400);
  EXPECT_EQ(s.on_closed(now), Next::Connect);
  EXPECT_EQ(s.probe()->name, "TLSHello");
}

TEST_F(ProbeSessionTest, CloseAfterDataIsNotTcpWrapped) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  feed(s, "x");
  EXPECT_EQ(s.on_closed(now), Next::Connect);
}

TEST_F(ProbeSessionTest, WaitCapShortensEveryWait) {
  options.wait_cap = milliseconds(100);
  ProbeSession s = make();
  s.start(now);
  EXPECT_EQ(s.deadline(), now + milliseconds(100));
  s.on_connected(now);
  // tcpwrappedms is capped by the wait too.
  now += milliseconds(150);
  EXPECT_EQ(s.on_closed(now), Next::Connect);
}

TEST_F(ProbeSessionTest, SslMatchRestartsTheProbesInsideTls) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  now += milliseconds(600);
  ASSERT_EQ(s.on_timeout(now), Next::Send);  // TLSHello
  ASSERT_EQ(feed(s, std::string("\x15\x03\x01\x00\x02\x02\x32", 7)), Next::Connect);
  EXPECT_TRUE(s.tls());
  EXPECT_EQ(s.probe()->name, "NULL");
  s.on_connected(now);
  now += milliseconds(600);
  ASSERT_EQ(s.on_timeout(now), Next::Send);
  // Inside TLS the port list that counts is sslports: GetRequest comes first.
  EXPECT_EQ(s.probe()->name, "GetRequest");
  EXPECT_EQ(feed(s, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n"), Next::Done);
  ServiceOutcome o = s.outcome();
  EXPECT_TRUE(o.tls);
  EXPECT_EQ(o.match->service, "http");
  EXPECT_EQ(o.match->cpe, std::vector<std::string>{"cpe:/a:igor_sysoev:nginx:1.22.1"});
}

TEST_F(ProbeSessionTest, FailedHandshakeReportsPlainSsl) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  now += milliseconds(600);
  s.on_timeout(now);
  feed(s, std::string("\x15\x03\x01\x00\x02\x02\x32", 7));
  ASSERT_TRUE(s.tls());
  EXPECT_EQ(s.on_tls_failed(now), Next::Done);
  ServiceOutcome o = s.outcome();
  EXPECT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->service, "ssl");
  EXPECT_FALSE(o.tls);
}

TEST_F(ProbeSessionTest, ConnectTimeoutsAreRetriedThenGiveUp) {
  ProbeSession s = make();
  s.start(now);
  EXPECT_EQ(s.on_connect_failed(now, ETIMEDOUT), Next::Connect);
  EXPECT_EQ(s.on_connect_failed(now, ETIMEDOUT), Next::Connect);
  EXPECT_EQ(s.on_connect_failed(now, ETIMEDOUT), Next::Done);
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::Incomplete);
}

TEST_F(ProbeSessionTest, RefusedConnectGivesUpAtOnce) {
  ProbeSession s = make();
  s.start(now);
  EXPECT_EQ(s.on_connect_failed(now, ECONNREFUSED), Next::Done);
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::Incomplete);
}

TEST_F(ProbeSessionTest, ResponsesAreCapped) {
  ProbeSession s = make();
  s.start(now);
  s.on_connected(now);
  s.on_data(std::string(ProbeSession::kMaxResponse + 10, 'x'));
  EXPECT_EQ(s.response().size(), ProbeSession::kMaxResponse);
}

}  // namespace
}  // namespace portsweep::test
