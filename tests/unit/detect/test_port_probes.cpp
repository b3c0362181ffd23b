// A port's probes side by side, with no network: events are fed by hand on
// a fake clock, so every rule of the walk (nmap's order decides, quiet waits,
// lingering, narrowing, TLS) is checked exactly.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "detect/port_probes.hpp"
#include "test_db.hpp"

namespace portsweep::test {
namespace {

using std::chrono::milliseconds;
using State = PortProbes::RunState;

// The clear-text order of the test database: NULL, TLSHello, GetRequest, Help.
constexpr int kNull = 0, kTlsHello = 1, kGet = 2, kHelp = 3;

class PortProbesTest : public ::testing::Test {
 protected:
  PortProbesTest() {
    options.quiet_floor = milliseconds(50);
    options.lanes = 4;
    options.first_lanes = 4;
  }

  PortProbes make(uint16_t port = 2121) { return PortProbes(db, options, {IpAddress::v4(0x0a000001), port, Proto::Tcp}); }

  // Starts the port and connects every run launch() offers, all at `now`.
  std::vector<int> start_all(PortProbes& s) {
    s.start(now);
    return connect_all(s);
  }
  std::vector<int> connect_all(PortProbes& s) {
    std::vector<int> runs;
    for (int r = s.launch(now); r >= 0; r = s.launch(now)) {
      s.on_connected(r, now);
      runs.push_back(r);
    }
    return runs;
  }

  // Data on a run, matched the way the scanner does, then a walk.
  void feed(PortProbes& s, int run, std::string_view bytes) {
    s.on_data(run, bytes, now);
    ASSERT_TRUE(s.match_due(run));
    match(s, run);
    s.settle(now);
  }
  void match(PortProbes& s, int run) {
    const PortProbes::MatchRequest q = s.match_request(run);
    s.on_match(run, db.match(*q.probe, q.response, q.softmatched));
  }

  // Moves the clock to `t` and ends every wait that is over by then.
  void advance_to(PortProbes& s, PortProbes::Clock::time_point t) {
    now = t;
    for (int r = 0; r < static_cast<int>(s.runs()); ++r) {
      const State st = s.state(r);
      if ((st == State::Running || st == State::Lingering) && s.deadline(r) <= now) {
        s.on_deadline(r, now);
        s.take_handover(r);  // the next probe's run owns the connection now
      }
      if (s.state(r) == State::Lingering && s.deadline(r) <= now) s.on_deadline(r, now);
    }
    s.settle(now);
  }

  ServiceProbeDb db = test_db();
  DetectOptions options;
  PortProbes::Clock::time_point now{};
};

TEST_F(PortProbesTest, LaunchesAsManyProbesAsLanesInNmapsOrder) {
  options.lanes = 2;
  options.first_lanes = 2;
  PortProbes s = make();
  EXPECT_EQ(start_all(s), (std::vector<int>{kNull, kTlsHello}));
  EXPECT_EQ(s.busy(), 2u);
  // A quiet run frees its lane; the NULL probe's connection carries the
  // next probe not yet sent (GetRequest), and Help gets the free lane.
  advance_to(s, now + milliseconds(50));
  EXPECT_EQ(s.state(kNull), State::Over);
  EXPECT_EQ(s.state(kTlsHello), State::Lingering);
  EXPECT_EQ(s.state(kGet), State::Running);
  EXPECT_EQ(connect_all(s), (std::vector<int>{kHelp}));
}

TEST_F(PortProbesTest, TheNullProbesConnectionCarriesTheNextProbeBannerInFront) {
  options.first_lanes = 1;
  PortProbes s = make();
  EXPECT_EQ(start_all(s), (std::vector<int>{kNull}));
  feed(s, kNull, "garbage\r\n");
  now += milliseconds(50);
  s.on_deadline(kNull, now);
  ASSERT_EQ(s.take_handover(kNull), kTlsHello);
  EXPECT_EQ(s.take_handover(kNull), -1);  // said once
  EXPECT_EQ(s.payload(kTlsHello), std::string_view("\x16\x03\x01\x00\x05hello", 10));
  EXPECT_EQ(s.match_request(kTlsHello).response, "garbage\r\n");
  EXPECT_EQ(s.deadline(kTlsHello), now + milliseconds(50));
}

TEST_F(PortProbesTest, LanesDoubleWhileProbesGoUnansweredAndDropToOneOnASlowAnswer) {
  options.first_lanes = 1;
  options.intensity = 9;  // every probe, no narrowing
  PortProbes s = make();
  EXPECT_EQ(start_all(s), (std::vector<int>{kNull}));
  advance_to(s, now + milliseconds(50));  // NULL heard nothing: two lanes
  EXPECT_EQ(s.lanes(), 2u);
  EXPECT_EQ(s.state(kTlsHello), State::Running);  // on the NULL probe's connection
  EXPECT_EQ(connect_all(s), (std::vector<int>{kGet}));
  // GetRequest answers after its quiet wait: a slow server.
  now += milliseconds(60);
  feed(s, kGet, "HTTP/1.1 404 Not Found\r\n\r\n");
  EXPECT_EQ(s.lanes(), 1u);
  advance_to(s, now + milliseconds(200));  // TLSHello quiet too, but the port stays at one
  EXPECT_EQ(s.lanes(), 1u);
}

TEST_F(PortProbesTest, ALaterMatchWaitsForEveryEarlierProbeToConclude) {
  PortProbes s = make();
  start_all(s);
  feed(s, kGet, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  EXPECT_FALSE(s.done());  // NULL and TLSHello have not concluded
  advance_to(s, now + milliseconds(50));
  ASSERT_TRUE(s.done());
  const ServiceOutcome o = s.outcome();
  EXPECT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->service, "http");
  EXPECT_EQ(o.match->version, "1.22.1");
}

TEST_F(PortProbesTest, AnEarlierProbesMatchWinsOverALaterOneThatCameFirst) {
  PortProbes s = make();
  start_all(s);
  feed(s, kGet, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  feed(s, kNull, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().match->service, "ssh");
  EXPECT_EQ(s.outcome().match->version, "9.2p1 Debian 2+deb12u3");
}

TEST_F(PortProbesTest, ALateAnswerOnALingeringProbeStillCounts) {
  PortProbes s = make();
  start_all(s);
  advance_to(s, now + milliseconds(50));  // every run quiet, all lingering
  EXPECT_FALSE(s.done());
  EXPECT_EQ(s.state(kNull), State::Lingering);
  EXPECT_EQ(s.busy(), 0u);
  now += milliseconds(200);  // a banner after 250 ms, within NULL's 600
  feed(s, kNull, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().match->service, "ssh");
}

TEST_F(PortProbesTest, ASilentPortEndsWhenTheLongestWaitEnds) {
  PortProbes s = make();
  start_all(s);
  advance_to(s, now + milliseconds(50));
  advance_to(s, now + milliseconds(250));  // the 300 ms probes are over
  EXPECT_FALSE(s.done());                  // NULL listens to 600 ms
  advance_to(s, now + milliseconds(300));
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::NoMatch);
  EXPECT_EQ(s.outcome().probes_sent, 4u);
}

TEST_F(PortProbesTest, ASlowAnswerMakesEveryProbeWaitLonger) {
  options.intensity = 2;  // NULL, TLSHello, GetRequest
  PortProbes s = make();
  start_all(s);
  advance_to(s, now + milliseconds(50));  // all quiet
  EXPECT_EQ(s.state(kTlsHello), State::Lingering);
  // GetRequest answers after 100 ms (a busy server): TLSHello, sent at the
  // same time, has not had twice that yet, and is waited for again.
  now += milliseconds(50);
  feed(s, kGet, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  EXPECT_EQ(s.state(kTlsHello), State::Running);
  EXPECT_EQ(s.deadline(kTlsHello), PortProbes::Clock::time_point{} + milliseconds(200));
  EXPECT_FALSE(s.done());
  // Its own late answer (160 ms) then wins over GetRequest's, once NULL,
  // waited for again too, has had twice the slowest answer: 320 ms.
  now += milliseconds(60);
  feed(s, kTlsHello, std::string("\x15\x03\x01\x00\x02\x02\x32", 7));
  advance_to(s, PortProbes::Clock::time_point{} + milliseconds(319));
  EXPECT_FALSE(s.tls());
  advance_to(s, PortProbes::Clock::time_point{} + milliseconds(320));
  EXPECT_TRUE(s.tls());
}

TEST_F(PortProbesTest, NothingAfterAHardMatchIsKeptOrLaunched) {
  options.lanes = 3;
  PortProbes s = make();
  EXPECT_EQ(start_all(s), (std::vector<int>{kNull, kTlsHello, kGet}));
  feed(s, kTlsHello, std::string("\x15\x03\x01\x00\x02\x02\x32", 7));
  // TLSHello's match waits for NULL; GetRequest cannot be the answer now.
  EXPECT_FALSE(s.wanted(kGet));
  EXPECT_EQ(s.launch(now), -1);  // nor can Help
  EXPECT_TRUE(s.wanted(kNull));
}

TEST_F(PortProbesTest, QuietWaitFollowsThePortsRoundTrip) {
  PortProbes s = make();
  s.start(now);
  const int r = s.launch(now);
  now += milliseconds(20);  // a 20 ms connect
  s.on_connected(r, now);
  // 8 round trips (160 ms) is more than the 50 ms floor.
  EXPECT_EQ(s.deadline(r), now + milliseconds(160));
  EXPECT_EQ(s.quiet_wait(*db.find("GetRequest", Proto::Tcp)), milliseconds(160));
  // Never more than the probe's own totalwaitms, counted from the connect.
  options.quiet_rtts = 100;
  EXPECT_EQ(s.quiet_wait(*db.find("GetRequest", Proto::Tcp)), milliseconds(300));
}

TEST_F(PortProbesTest, SoftmatchClosesTheProbesThatCannotNameTheService) {
  PortProbes s = make();
  start_all(s);
  feed(s, kNull, "220 box lab ftp ready\r\n");
  advance_to(s, now + milliseconds(50));
  // TLSHello and GetRequest cannot name ftp: their connections are unwanted.
  EXPECT_FALSE(s.wanted(kTlsHello));
  EXPECT_FALSE(s.wanted(kGet));
  EXPECT_TRUE(s.wanted(kHelp));
  feed(s, kHelp, "220 box lab ftp ready\r\n214 Help OK\r\n");
  ASSERT_TRUE(s.done());
  const ServiceOutcome o = s.outcome();
  EXPECT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->product, "testftpd");
  EXPECT_EQ(o.match->hostname, "box");  // the softmatch's field survives
}

TEST_F(PortProbesTest, AResponseMatchedBeforeTheSoftmatchIsMatchedAgainUnderIt) {
  PortProbes s = make();
  start_all(s);
  feed(s, kHelp, "garbage\r\n");
  EXPECT_FALSE(s.match_due(kHelp));
  feed(s, kNull, "220 box lab ftp ready\r\n");
  advance_to(s, now + milliseconds(50));
  EXPECT_TRUE(s.match_due(kHelp));
  EXPECT_EQ(s.match_request(kHelp).softmatched, "ftp");
}

TEST_F(PortProbesTest, OnlyASoftmatchGivesSoftMatched) {
  PortProbes s = make();
  start_all(s);
  feed(s, kNull, "220 box lab ftp ready\r\n");
  advance_to(s, now + milliseconds(50));
  advance_to(s, now + milliseconds(550));
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::SoftMatched);
  EXPECT_EQ(s.outcome().match->service, "ftp");
}

TEST_F(PortProbesTest, IntensityNineDoesNotNarrow) {
  options.intensity = 9;
  PortProbes s = make();
  start_all(s);
  feed(s, kNull, "220 box lab ftp ready\r\n");
  advance_to(s, now + milliseconds(50));
  EXPECT_TRUE(s.wanted(kTlsHello));
}

TEST_F(PortProbesTest, IntensityLimitsUnlistedProbes) {
  options.intensity = 2;  // Help has rarity 3
  PortProbes s = make();
  EXPECT_EQ(start_all(s), (std::vector<int>{kNull, kTlsHello, kGet}));
}

TEST_F(PortProbesTest, EarlyCloseOnTheNullProbeIsTcpWrapped) {
  PortProbes s = make();
  start_all(s);
  now += milliseconds(30);
  s.on_closed(kNull, now);
  s.settle(now);
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::TcpWrapped);
}

TEST_F(PortProbesTest, LateCloseOrCloseAfterDataIsNotTcpWrapped) {
  PortProbes s = make();
  start_all(s);
  now += milliseconds(400);
  s.on_closed(kNull, now);
  s.settle(now);
  EXPECT_FALSE(s.done());
  PortProbes t = make();
  start_all(t);
  feed(t, kNull, "x");
  t.on_closed(kNull, now);
  t.settle(now);
  EXPECT_FALSE(t.done());
}

TEST_F(PortProbesTest, SslMatchRestartsTheProbesInsideTls) {
  PortProbes s = make();
  start_all(s);
  feed(s, kTlsHello, std::string("\x15\x03\x01\x00\x02\x02\x32", 7));
  EXPECT_FALSE(s.tls());  // NULL has not concluded
  advance_to(s, now + milliseconds(50));
  ASSERT_TRUE(s.tls());
  EXPECT_EQ(s.generation(), 1u);
  // Inside TLS the port list that counts is sslports: GetRequest comes second.
  const std::vector<int> runs = connect_all(s);
  ASSERT_GE(runs.size(), 2u);
  EXPECT_EQ(s.payload(runs[1]), "GET / HTTP/1.0\r\n\r\n");
  feed(s, runs[1], "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n");
  advance_to(s, now + milliseconds(50));
  ASSERT_TRUE(s.done());
  const ServiceOutcome o = s.outcome();
  EXPECT_TRUE(o.tls);
  EXPECT_EQ(o.match->service, "http");
  EXPECT_EQ(o.match->cpe, std::vector<std::string>{"cpe:/a:igor_sysoev:nginx:1.22.1"});
}

TEST_F(PortProbesTest, FailedHandshakeReportsPlainSsl) {
  PortProbes s = make();
  start_all(s);
  feed(s, kTlsHello, std::string("\x15\x03\x01\x00\x02\x02\x32", 7));
  advance_to(s, now + milliseconds(50));
  ASSERT_TRUE(s.tls());
  const int r = s.launch(now);
  s.on_tls_failed(r, now);
  ASSERT_TRUE(s.done());
  const ServiceOutcome o = s.outcome();
  EXPECT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(o.match->service, "ssl");
  EXPECT_FALSE(o.tls);
}

TEST_F(PortProbesTest, ConnectTimeoutsAreRetriedThenGiveUp) {
  PortProbes s = make();
  s.start(now);
  const int r = s.launch(now);
  EXPECT_TRUE(s.on_connect_failed(r, now, ETIMEDOUT));
  EXPECT_TRUE(s.on_connect_failed(r, now, ETIMEDOUT));
  EXPECT_FALSE(s.on_connect_failed(r, now, ETIMEDOUT));
  s.settle(now);
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::Incomplete);
}

TEST_F(PortProbesTest, RefusedConnectGivesUpAtOnce) {
  PortProbes s = make();
  s.start(now);
  const int r = s.launch(now);
  EXPECT_FALSE(s.on_connect_failed(r, now, ECONNREFUSED));
  s.settle(now);
  ASSERT_TRUE(s.done());
  EXPECT_EQ(s.outcome().verdict, ServiceVerdict::Incomplete);
}

TEST_F(PortProbesTest, WaitCapShortensTheLinger) {
  options.wait_cap = milliseconds(100);
  PortProbes s = make();
  start_all(s);
  advance_to(s, now + milliseconds(50));
  EXPECT_EQ(s.deadline(kNull), PortProbes::Clock::time_point{} + milliseconds(100));
  advance_to(s, now + milliseconds(50));
  ASSERT_TRUE(s.done());
}

TEST_F(PortProbesTest, ResponsesAreCapped) {
  PortProbes s = make();
  start_all(s);
  s.on_data(kNull, std::string(PortProbes::kMaxResponse + 10, 'x'), now);
  EXPECT_EQ(s.match_request(kNull).response.size(), PortProbes::kMaxResponse);
}

}  // namespace
}  // namespace portsweep::test
