// The engine against real sockets on 127.0.0.1: a banner server, a silent
// one, one that closes at once (tcpwrapped), one that refuses, and a TLS
// server with a certificate made in the test.
#include <gtest/gtest.h>

#include <openssl/ssl.h>
#include <sys/socket.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "detect/service_scanner.hpp"
#include "detect/sigpipe_guard.hpp"
#include "detect/version_trace.hpp"
#include "local_server.hpp"
#include "test_db.hpp"

namespace portsweep::test {
namespace {

using std::chrono::milliseconds;

class ServiceScannerTest : public ::testing::Test {
 protected:
  ServiceOutcome scan_one(uint16_t port, DetectOptions options = {}) {
    std::vector<ServiceOutcome> got = scan({{kLoopback, port, Proto::Tcp}}, options);
    EXPECT_EQ(got.size(), 1u);
    return got.empty() ? ServiceOutcome{} : got[0];
  }

  std::vector<ServiceOutcome> scan(const std::vector<ServiceTarget>& targets, DetectOptions options = {}) {
    VersionTrace trace(trace_text);
    ServiceScanner scanner(db, options, &trace);
    std::vector<ServiceOutcome> got;
    stats = scanner.run(targets, [&](const ServiceOutcome& o) { got.push_back(o); });
    return got;
  }

  ServiceProbeDb db = test_db();
  std::ostringstream trace_text;
  ServiceScanStats stats;
};

TEST_F(ServiceScannerTest, BannerMatchesOnTheNullProbe) {
  LocalServer server([](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  });
  const auto t0 = std::chrono::steady_clock::now();
  ServiceOutcome o = scan_one(server.port());
  const auto took = std::chrono::steady_clock::now() - t0;
  ASSERT_EQ(o.verdict, ServiceVerdict::Matched) << trace_text.str();
  ASSERT_TRUE(o.match);
  EXPECT_EQ(o.match->service, "ssh");
  EXPECT_EQ(o.match->product, "OpenSSH");
  EXPECT_EQ(o.match->version, "9.2p1 Debian 2+deb12u3");
  EXPECT_EQ(o.match->info, "protocol 2.0");
  EXPECT_EQ(o.match->ostype, "Linux");
  EXPECT_EQ(o.match->cpe, (std::vector<std::string>{"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"}));
  EXPECT_FALSE(o.tls);
  // The first probes go out side by side, at most a port's lanes of them.
  EXPECT_GE(o.connections, 1u);
  EXPECT_LE(o.connections, DetectOptions{}.lanes);
  // A banner ends the port at once, not after the NULL probe's 600 ms wait.
  EXPECT_LT(took, milliseconds(500));
}

// -sV over IPv6: the server listens on [::1] only, so a match proves the
// connection was an AF_INET6 one to ::1, and the trace names the address
// in brackets.
TEST_F(ServiceScannerTest, BannerOfAnIpv6ListenerMatches) {
  LocalServer server(
      [](int fd) {
        send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
        drain(fd);
      },
      kLoopback6);
  const std::vector<ServiceOutcome> got = scan({{kLoopback6, server.port(), Proto::Tcp}});
  ASSERT_EQ(got.size(), 1u);
  const ServiceOutcome& o = got[0];
  EXPECT_EQ(o.target.ip, kLoopback6);
  ASSERT_EQ(o.verdict, ServiceVerdict::Matched) << trace_text.str();
  EXPECT_EQ(o.match->service, "ssh");
  EXPECT_EQ(o.match->product, "OpenSSH");
  EXPECT_EQ(o.match->version, "9.2p1 Debian 2+deb12u3");
  EXPECT_GE(server.connections(), 1);
  EXPECT_NE(trace_text.str().find("version-trace: [::1]:" + std::to_string(server.port()) + "/tcp: "),
            std::string::npos)
      << trace_text.str();
}

// IPv4 and IPv6 ports side by side in one run, and an IPv6 port nothing
// listens on: refused like an IPv4 one.
TEST_F(ServiceScannerTest, BothFamiliesInOneRun) {
  auto banner = [](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  };
  LocalServer four(banner, kLoopback);
  LocalServer six(banner, kLoopback6);
  uint16_t refused_port = 0;
  {
    LocalServer gone([](int) {}, kLoopback6);
    refused_port = gone.port();
  }
  const std::vector<ServiceOutcome> got =
      scan({{kLoopback, four.port(), Proto::Tcp}, {kLoopback6, six.port(), Proto::Tcp},
            {kLoopback6, refused_port, Proto::Tcp}});
  ASSERT_EQ(got.size(), 3u);
  for (const ServiceOutcome& o : got) {
    if (o.target.port == refused_port && o.target.ip == kLoopback6) {
      EXPECT_EQ(o.verdict, ServiceVerdict::Incomplete);
    } else {
      EXPECT_EQ(o.verdict, ServiceVerdict::Matched) << o.target.ip.to_string();
    }
  }
  EXPECT_GE(four.connections(), 1);
  EXPECT_GE(six.connections(), 1);
}

TEST_F(ServiceScannerTest, SoftmatchNarrowsProbesAndKeepsItsHostname) {
  LocalServer server([](int fd) {
    send_all(fd, "220 labhost lab ftp ready\r\n");
    const std::string got = read_until(fd, "\n");
    if (got.rfind("HELP", 0) == 0) send_all(fd, "214 Help OK\r\n");
    drain(fd);
  });
  ServiceOutcome o = scan_one(server.port());
  ASSERT_EQ(o.verdict, ServiceVerdict::Matched) << trace_text.str();
  EXPECT_EQ(o.match->service, "ftp");
  EXPECT_EQ(o.match->product, "testftpd");
  EXPECT_EQ(o.match->hostname, "labhost");  // from the NULL probe's softmatch
  // TLSHello and GetRequest cannot name ftp, so after the banner's softmatch
  // only Help is sent, on the NULL probe's connection, after the banner.
  EXPECT_EQ(trace_text.str().find("sending probe TLSHello"), std::string::npos) << trace_text.str();
  EXPECT_EQ(trace_text.str().find("sending probe GetRequest"), std::string::npos) << trace_text.str();
  EXPECT_NE(trace_text.str().find("sending probe Help on the NULL probe's connection"), std::string::npos)
      << trace_text.str();
  EXPECT_EQ(o.probes_sent, 2u);
  EXPECT_EQ(o.connections, 1u);
}

TEST_F(ServiceScannerTest, SilentServerGetsEveryProbeAndNoMatch) {
  LocalServer server([](int fd) { drain(fd); });
  ServiceOutcome o = scan_one(server.port());
  EXPECT_EQ(o.verdict, ServiceVerdict::NoMatch) << trace_text.str();
  EXPECT_FALSE(o.match);
  // NULL, then TLSHello on the NULL probe's connection after its quiet
  // wait; the port has earned a second lane by then: GetRequest and Help on
  // connections of their own, side by side.
  EXPECT_EQ(o.probes_sent, 4u);
  EXPECT_EQ(o.connections, 3u);
  EXPECT_EQ(server.connections(), 3);
}

TEST_F(ServiceScannerTest, ImmediateCloseIsTcpWrapped) {
  LocalServer server([](int) {});
  ServiceOutcome o = scan_one(server.port());
  EXPECT_EQ(o.verdict, ServiceVerdict::TcpWrapped) << trace_text.str();
}

TEST_F(ServiceScannerTest, CloseAfterTheTcpWrappedWindowIsNotTcpWrapped) {
  LocalServer server([](int fd) {
    // The NULL probe's tcpwrappedms is 400 in the test database.
    std::this_thread::sleep_for(milliseconds(450));
    (void)fd;
  });
  ServiceOutcome o = scan_one(server.port());
  EXPECT_EQ(o.verdict, ServiceVerdict::NoMatch) << trace_text.str();
}

TEST_F(ServiceScannerTest, RefusedPortIsIncomplete) {
  // Bind a port, then stop listening on it: connections are refused.
  uint16_t port = 0;
  { LocalServer gone([](int) {}); port = gone.port(); }
  ServiceOutcome o = scan_one(port);
  EXPECT_EQ(o.verdict, ServiceVerdict::Incomplete) << trace_text.str();
}

TEST_F(ServiceScannerTest, TlsIsDetectedAndTheProbesRunAgainInsideIt) {
  TestTlsServerContext tls;
  LocalServer server([&tls](int fd) {
    SSL* ssl = SSL_new(tls.get());
    SSL_set_fd(ssl, fd);
    // A clear-text probe fails the handshake, and OpenSSL answers it with
    // an alert record: what the TLSHello probe's match line looks for.
    if (SSL_accept(ssl) == 1) {
      char buf[1024];
      std::string request;
      while (request.find("\r\n\r\n") == std::string::npos) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      if (request.rfind("GET / ", 0) == 0) {
        const std::string reply = "HTTP/1.0 200 OK\r\nServer: nginx/1.22.1\r\n\r\nhello";
        SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
      }
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
  });
  ServiceOutcome o = scan_one(server.port());
  ASSERT_EQ(o.verdict, ServiceVerdict::Matched) << trace_text.str();
  EXPECT_TRUE(o.tls);
  EXPECT_EQ(o.match->service, "http");
  EXPECT_EQ(o.match->product, "nginx");
  EXPECT_EQ(o.match->version, "1.22.1");
  EXPECT_NE(trace_text.str().find("TLS detected by probe TLSHello"), std::string::npos) << trace_text.str();
  EXPECT_NE(trace_text.str().find("sending probe GetRequest inside TLS"), std::string::npos) << trace_text.str();
}

TEST_F(ServiceScannerTest, ManyPortsAtOnce) {
  LocalServer ssh([](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  });
  LocalServer wrapped([](int) {});
  std::vector<ServiceTarget> targets;
  // 200 ports to probe, more connections than the 64 allowed at once.
  for (int i = 0; i < 100; ++i) {
    targets.push_back({kLoopback, ssh.port(), Proto::Tcp});
    targets.push_back({kLoopback, wrapped.port(), Proto::Tcp});
  }
  DetectOptions options;
  options.max_parallel = 64;
  std::vector<ServiceOutcome> got = scan(targets, options);
  ASSERT_EQ(got.size(), targets.size());
  EXPECT_EQ(stats.matched, 100u);
  EXPECT_EQ(stats.tcpwrapped, 100u);
  EXPECT_EQ(stats.parallel, 64u);
}

TEST_F(ServiceScannerTest, PortsFedWhileTheLoopRunsAreProbedUntilTheFeedCloses) {
  LocalServer ssh([](int fd) {
    send_all(fd, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    drain(fd);
  });
  ServiceFeed feed;
  ServiceScanner scanner(db, {});
  std::vector<ServiceOutcome> got;
  // A sweep's consumer hands ports over one by one, then closes the feed.
  std::thread sweep([&] {
    for (int i = 0; i < 5; ++i) {
      std::this_thread::sleep_for(milliseconds(20));
      feed.push({kLoopback, ssh.port(), Proto::Tcp});
    }
    feed.close();
  });
  stats = scanner.run(feed, [&](const ServiceOutcome& o) { got.push_back(o); });
  sweep.join();
  ASSERT_EQ(got.size(), 5u);
  for (const ServiceOutcome& o : got) EXPECT_EQ(o.verdict, ServiceVerdict::Matched);
  EXPECT_EQ(stats.ports, 5u);
}

// OpenSSL's write(2) to a peer that has closed raises SIGPIPE, whose default
// action ends the process: the guard the scanner runs under consumes it.
TEST(SigpipeGuard, ASigpipeRaisedWhileGuardedIsNeverDelivered) {
  struct sigaction old {};
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  ::sigaction(SIGPIPE, &dfl, &old);
  {
    const SigpipeGuard guard;
    ::pthread_kill(::pthread_self(), SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    EXPECT_EQ(sigismember(&pending, SIGPIPE), 1);
  }
  sigset_t pending;
  sigpending(&pending);
  EXPECT_EQ(sigismember(&pending, SIGPIPE), 0);  // consumed, and we are still here
  ::sigaction(SIGPIPE, &old, nullptr);
}

TEST_F(ServiceScannerTest, StopFlagEndsTheRunEarly) {
  LocalServer server([](int fd) { drain(fd); });
  std::atomic<bool> stop{true};
  ServiceScanner scanner(db, {});
  int reported = 0;
  ServiceScanStats s = scanner.run(std::vector<ServiceTarget>{{kLoopback, server.port(), Proto::Tcp}},
                                   [&](const ServiceOutcome&) { ++reported; }, &stop);
  EXPECT_TRUE(s.interrupted);
  EXPECT_EQ(reported, 0);
}

}  // namespace
}  // namespace portsweep::test
