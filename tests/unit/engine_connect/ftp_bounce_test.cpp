// The FTP bounce scan (-b) against a fake FTP server on 127.0.0.1: every
// session is a thread of the fake, which answers login, PORT and LIST from a
// script (a function of the command and the port PORT named). The fake
// connects to nothing: the script decides what each port "is", including
// replies that are slow, malformed, too long, multi-line, or that drop or
// refuse the session.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/ftp_bounce_scan.hpp"
#include "targets/target_set.hpp"

namespace portsweep {
namespace {

using namespace std::chrono_literals;

// One session of the fake server, as a script sees it.
struct FakeSession {
  int fd = -1;
  int index = 0;            // 0 for the first connection the server accepted
  uint32_t port_ip = 0;     // what the last PORT named
  uint16_t port_port = 0;
  void send(const std::string& bytes) const { (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
};

// Returns false to close the session.
using Script = std::function<bool(FakeSession&, const std::string& command)>;

class FakeFtpServer {
 public:
  // `max_sessions`: more at once get "421 Too many connections" and a close.
  explicit FakeFtpServer(Script script, int max_sessions = 1000, std::string greeting = "220 fake FTP ready\r\n")
      : script_(std::move(script)), max_sessions_(max_sessions), greeting_(std::move(greeting)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) ADD_FAILURE() << "bind";
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(listen_fd_, 64);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~FakeFtpServer() {
    stop_ = true;
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (std::thread& t : sessions_) t.join();
    ::close(listen_fd_);
  }
  uint16_t port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  int peak() const { return peak_.load(); }
  std::vector<std::string> commands() {
    std::lock_guard lock(mu_);
    return commands_;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      const int index = accepted_++;
      std::lock_guard lock(mu_);
      sessions_.emplace_back([this, fd, index] { serve(fd, index); });
    }
  }

  void serve(int fd, int index) {
    const int now = ++active_;
    int seen = peak_.load();
    while (now > seen && !peak_.compare_exchange_weak(seen, now)) {
    }
    FakeSession s{fd, index};
    if (now > max_sessions_) {
      s.send("421 Too many connections (" + std::to_string(max_sessions_) + ") from this IP\r\n");
    } else {
      s.send(greeting_);
      std::string buf;
      bool open = true;
      while (open && !stop_) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        char chunk[1024];
        const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) break;
        buf.append(chunk, static_cast<size_t>(n));
        size_t eol;
        while (open && (eol = buf.find("\r\n")) != std::string::npos) {
          const std::string command = buf.substr(0, eol);
          buf.erase(0, eol + 2);
          {
            std::lock_guard lock(mu_);
            commands_.push_back(command);
          }
          if (command.rfind("PORT ", 0) == 0) {
            unsigned v[6] = {};
            std::sscanf(command.c_str() + 5, "%u,%u,%u,%u,%u,%u", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
            s.port_ip = (v[0] << 24) | (v[1] << 16) | (v[2] << 8) | v[3];
            s.port_port = static_cast<uint16_t>((v[4] << 8) | v[5]);
          }
          open = script_(s, command);
        }
      }
    }
    --active_;
    ::close(fd);
  }

  Script script_;
  int max_sessions_;
  std::string greeting_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0}, active_{0}, peak_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> sessions_;
  std::vector<std::string> commands_;
};

// vsftpd's login and PORT; LIST's replies come from `list`.
Script standard(std::function<bool(FakeSession&)> list) {
  return [list](FakeSession& s, const std::string& c) {
    if (c.rfind("USER ", 0) == 0) s.send("331 Please specify the password.\r\n");
    else if (c.rfind("PASS ", 0) == 0) s.send("230 Login successful.\r\n");
    else if (c.rfind("PORT ", 0) == 0) s.send("200 PORT command successful. Consider using PASV.\r\n");
    else if (c == "LIST") return list(s);
    else if (c == "QUIT") {
      s.send("221 Goodbye.\r\n");
      return false;
    } else s.send("500 Unknown command.\r\n");
    return true;
  };
}

struct Outcome {
  FtpBounceReport report;
  std::map<uint16_t, PortResult> results;  // by port (one target)
};

class FtpBounceTest : public ::testing::Test {
 protected:
  Outcome scan(FakeFtpServer& server, std::vector<uint16_t> ports, unsigned parallel = 4) {
    FtpBounceConfig c;
    c.relay.server = "127.0.0.1";
    c.relay.port = server.port();
    c.relay_ip = 0x7f000001;
    c.targets = &targets_;
    c.ports = std::move(ports);
    c.max_parallel = parallel;
    c.connect_timeout_ms = 2000;
    c.login_timeout_ms = 2000;
    c.port_timeout_ms = 2000;
    c.list_timeout_ms = list_timeout_ms;
    c.transfer_timeout_ms = 500;
    Outcome out;
    FtpBounceHooks hooks;
    hooks.on_results = [&](std::span<const PortResult> batch) {
      for (const PortResult& r : batch) {
        EXPECT_EQ(r.ip, IpAddress::v4(0xC6130001));
        EXPECT_FALSE(out.results.count(r.port)) << "port " << r.port << " reported twice";
        out.results[r.port] = r;
      }
    };
    out.report = run_ftp_bounce_scan(c, hooks, interrupt);
    return out;
  }

  TargetSet targets_{{{0xC6130001, 0xC6130001}}};  // 198.19.0.1
  std::atomic<bool> interrupt{false};
  int list_timeout_ms = 500;
};

TEST(FtpRelaySpec, ReadAsNmapReadsIt) {
  FtpRelay r = parse_ftp_relay("198.18.3.21");
  EXPECT_EQ(r.user, "anonymous");
  EXPECT_EQ(r.password, "-wwwuser@");
  EXPECT_EQ(r.server, "198.18.3.21");
  EXPECT_EQ(r.port, 21);
  r = parse_ftp_relay("bob@ftp.example:2121");
  EXPECT_EQ(r.user, "bob");
  EXPECT_EQ(r.password, "-wwwuser@");
  EXPECT_EQ(r.server, "ftp.example");
  EXPECT_EQ(r.port, 2121);
  r = parse_ftp_relay("u:p@ss:w:d@host");  // the last '@' ends the credentials, the first ':' the user
  EXPECT_EQ(r.user, "u");
  EXPECT_EQ(r.password, "p@ss:w:d");
  EXPECT_EQ(r.server, "host");
  r = parse_ftp_relay("anonymous:@host");
  EXPECT_EQ(r.password, "");
}

TEST(FtpRelaySpec, BadValuesAreOneLineErrors) {
  for (const char* bad : {"", "user@", ":pass@host", "host:", "host:0", "host:65536", "host:21x", "@host",
                          "user:pa\r\nDELE x@host", "ho\nst"}) {
    try {
      parse_ftp_relay(bad);
      ADD_FAILURE() << "accepted \"" << bad << "\"";
    } catch (const UsageError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      EXPECT_NE(what.find("[USER[:PASS]@]SERVER[:PORT]"), std::string::npos) << what;
    }
  }
  EXPECT_EQ(resolve_ftp_relay(parse_ftp_relay("198.18.3.21")), 0xC6120315u);
}

TEST(FtpBounceState, ListRepliesAsNmapReadsThem) {
  EXPECT_EQ(bounce_list_state(150, 226), PortState::Open);
  EXPECT_EQ(bounce_list_state(125, 250), PortState::Open);
  EXPECT_EQ(bounce_list_state(150, 426), PortState::Closed);
  EXPECT_EQ(bounce_list_state(150, 451), PortState::Closed);
  EXPECT_EQ(bounce_list_state(226, 0), PortState::Open);
  EXPECT_EQ(bounce_list_state(425, 0), PortState::Closed);
  EXPECT_EQ(bounce_list_state(500, 0), PortState::Closed);
}

TEST_F(FtpBounceTest, RepliesGiveNmapsStates) {
  FakeFtpServer server(standard([](FakeSession& s) {
    switch (s.port_port) {
      case 1001: s.send("150 Here comes the directory listing.\r\n226 Directory send OK.\r\n"); break;
      case 1002: s.send("425 Failed to establish connection.\r\n"); break;
      case 1003: s.send("150-Opening data connection\r\n more text\r\n 150 not the end either\r\n150 ok\r\n");
                 std::this_thread::sleep_for(50ms);
                 s.send("226-Transfer complete\r\n226 bye\r\n");
                 break;
      case 1004: s.send("150 Here comes the directory listing.\r\n426 Failure writing network stream.\r\n"); break;
      case 1005: s.send("125 Data connection already open.\r\n250 Done.\r\n"); break;
      case 1006: s.send("226 Nothing to list.\r\n"); break;
      case 1007: break;  // the server's connect hangs: no reply
      case 1008: s.send("150 ok\r\n"); break;  // ... or the transfer never ends
    }
    return true;
  }));
  const Outcome o = scan(server, {1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008});
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  ASSERT_EQ(o.results.size(), 6u);
  EXPECT_EQ(o.results.at(1001).state, PortState::Open);
  EXPECT_EQ(o.results.at(1002).state, PortState::Closed);
  EXPECT_EQ(o.results.at(1003).state, PortState::Open);
  EXPECT_EQ(o.results.at(1004).state, PortState::Closed);
  EXPECT_EQ(o.results.at(1005).state, PortState::Open);
  EXPECT_EQ(o.results.at(1006).state, PortState::Open);
  for (const auto& [port, r] : o.results) {
    EXPECT_EQ(r.reason, Reason::NoResponse) << port;  // nmap's -b sets no reason
    EXPECT_EQ(r.proto, Proto::Tcp);
  }
  EXPECT_EQ(o.report.open, 4u);
  EXPECT_EQ(o.report.closed, 2u);
  EXPECT_EQ(o.report.filtered, 2u);  // 1007 and 1008: timeouts, left to the outputs' no-response count
  EXPECT_EQ(o.report.finished, 8u);
  // Each timeout leaves the server busy: its session is dropped and reopened.
  EXPECT_GE(o.report.reconnects, 2u);
}

TEST_F(FtpBounceTest, SlowRepliesWithinTheDeadlineCount) {
  list_timeout_ms = 1500;
  FakeFtpServer server(standard([](FakeSession& s) {
    std::this_thread::sleep_for(300ms);
    s.send(s.port_port == 80 ? "1" : "4");  // a reply in pieces
    std::this_thread::sleep_for(200ms);
    s.send(s.port_port == 80 ? "50 ok\r\n" : "25 no\r\n");
    if (s.port_port == 80) s.send("226 ok\r\n");
    return true;
  }));
  const Outcome o = scan(server, {80, 81}, 1);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  ASSERT_EQ(o.results.size(), 2u);
  EXPECT_EQ(o.results.at(80).state, PortState::Open);
  EXPECT_EQ(o.results.at(81).state, PortState::Closed);
  EXPECT_EQ(o.report.reconnects, 0u);
}

TEST_F(FtpBounceTest, CommandsAreThoseNmapSends) {
  FakeFtpServer server(standard([](FakeSession& s) {
    s.send("425 no\r\n");
    return true;
  }));
  const Outcome o = scan(server, {258}, 1);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  const std::vector<std::string> want = {"USER anonymous", "PASS -wwwuser@", "PORT 198,19,0,1,1,2", "LIST", "QUIT"};
  // The QUIT may still be on its way to the fake when the scan returns.
  for (int i = 0; i < 100 && server.commands().size() < want.size(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(server.commands(), want);
}

TEST_F(FtpBounceTest, MultiLineGreetingAndLoginWithoutPassword) {
  FakeFtpServer server(
      [](FakeSession& s, const std::string& c) {
        if (c.rfind("USER ", 0) == 0) s.send("230-Welcome\r\n230-no password needed\r\n230 Logged in.\r\n");
        else if (c.rfind("PORT", 0) == 0) s.send("200 ok\r\n");
        else if (c == "LIST") s.send("150 go\r\n226 done\r\n");
        else if (c == "QUIT") return false;
        else s.send("502 no\r\n");
        return true;
      },
      1000, "220-Welcome to the fake\r\n220-second line\r\n220 ready\r\n");
  const Outcome o = scan(server, {22, 23}, 1);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  ASSERT_EQ(o.results.size(), 2u);
  for (const std::string& c : server.commands()) EXPECT_NE(c.rfind("PASS", 0), 0u) << "PASS after a 230";
}

TEST_F(FtpBounceTest, RefusedLoginStopsWithOneLineAndOneSession) {
  FakeFtpServer server([](FakeSession& s, const std::string& c) {
    if (c.rfind("USER ", 0) == 0) s.send("331 Please specify the password.\r\n");
    else if (c.rfind("PASS ", 0) == 0) s.send("530 Login incorrect.\r\n");
    return true;
  });
  const Outcome o = scan(server, {1, 2, 3, 4, 5, 6}, 8);
  EXPECT_TRUE(o.results.empty());
  EXPECT_NE(o.report.error.find("refuses the login of user \"anonymous\""), std::string::npos) << o.report.error;
  EXPECT_NE(o.report.error.find("530 Login incorrect."), std::string::npos) << o.report.error;
  EXPECT_EQ(o.report.error.find('\n'), std::string::npos);
  EXPECT_EQ(server.accepted(), 1);  // the other sessions wait for the first login
}

TEST_F(FtpBounceTest, RefusedUserName) {
  FakeFtpServer server([](FakeSession& s, const std::string&) {
    s.send("530 This FTP server is anonymous only.\r\n");
    return true;
  });
  const Outcome o = scan(server, {1});
  EXPECT_NE(o.report.error.find("refuses the user name"), std::string::npos) << o.report.error;
}

TEST_F(FtpBounceTest, PortToAnotherHostRefusedStopsTheScan) {
  FakeFtpServer server([](FakeSession& s, const std::string& c) {
    if (c.rfind("PORT", 0) == 0) s.send("500 Illegal PORT command.\r\n");
    else return standard([](FakeSession&) { return true; })(s, c);
    return true;
  });
  const Outcome o = scan(server, {8080, 8443}, 1);
  EXPECT_TRUE(o.results.empty());
  EXPECT_NE(o.report.error.find("refuses PORT to another host (500 Illegal PORT command.)"), std::string::npos)
      << o.report.error;
}

TEST_F(FtpBounceTest, PrivilegedPortsRefusedAreSkippedAsNmapDoes) {
  FakeFtpServer server([](FakeSession& s, const std::string& c) {
    if (c.rfind("PORT", 0) == 0) {
      s.send(s.port_port < 1024 ? "500 Illegal PORT command.\r\n" : "200 PORT command successful.\r\n");
      return true;
    }
    return standard([](FakeSession& x) {
      x.send("150 ok\r\n226 ok\r\n");
      return true;
    })(s, c);
  });
  const Outcome o = scan(server, {21, 22, 80, 443, 6379, 8080}, 1);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  ASSERT_EQ(o.results.size(), 2u);
  EXPECT_EQ(o.results.at(6379).state, PortState::Open);
  EXPECT_EQ(o.results.at(8080).state, PortState::Open);
  EXPECT_EQ(o.report.skipped, 4u);
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_NE(o.report.warnings[0].find("privileged ports"), std::string::npos);

  FakeFtpServer only_low([](FakeSession& s, const std::string& c) {
    if (c.rfind("PORT", 0) == 0) s.send("500 Illegal PORT command.\r\n");
    else return standard([](FakeSession&) { return true; })(s, c);
    return true;
  });
  const Outcome low = scan(only_low, {21, 22, 80}, 1);
  EXPECT_NE(low.report.error.find("every port asked for is below 1024"), std::string::npos) << low.report.error;
}

// vsftpd: PORT to a privileged port is accepted, LIST refused with an OOPS
// and the session ended.
TEST_F(FtpBounceTest, PrivilegedPortsRefusedAtListAreSkippedToo) {
  FakeFtpServer server(standard([](FakeSession& s) {
    if (s.port_port < 1024) {
      // vsftpd's two last lines: the session's, then its privileged helper's.
      s.send("500 OOPS: vsf_sysutil_bind\r\n500 OOPS: priv_sock_get_cmd\r\n");
      return false;
    }
    s.send(s.port_port == 6379 ? "150 ok\r\n226 ok\r\n" : "425 Failed to establish connection.\r\n");
    return true;
  }));
  const Outcome o = scan(server, {21, 22, 80, 443, 6379, 8080}, 2);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  ASSERT_EQ(o.results.size(), 2u);
  EXPECT_EQ(o.results.at(6379).state, PortState::Open);
  EXPECT_EQ(o.results.at(8080).state, PortState::Closed);
  EXPECT_EQ(o.report.skipped, 4u);
  ASSERT_EQ(o.report.warnings.size(), 1u);
  EXPECT_NE(o.report.warnings[0].find("500 OOPS: vsf_sysutil_bind"), std::string::npos) << o.report.warnings[0];
}

TEST_F(FtpBounceTest, TooManyConnectionsShrinksParallelism) {
  FakeFtpServer server(standard([](FakeSession& s) {
                         std::this_thread::sleep_for(20ms);
                         s.send(s.port_port % 2 ? "425 no\r\n" : "150 ok\r\n226 ok\r\n");
                         return true;
                       }),
                       2);
  std::vector<uint16_t> ports;
  for (uint16_t p = 2000; p < 2040; ++p) ports.push_back(p);
  const Outcome o = scan(server, ports, 8);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  EXPECT_EQ(o.results.size(), 40u);
  EXPECT_EQ(o.report.finished, 40u);
  EXPECT_LE(o.report.peak_sessions, 2u);
  EXPECT_GE(o.report.peak_sessions, 1u);
  EXPECT_GE(o.report.retired, 1u);
  for (const auto& [port, r] : o.results) EXPECT_EQ(r.state, port % 2 ? PortState::Closed : PortState::Open);
}

TEST_F(FtpBounceTest, DroppedControlConnectionIsReopenedAndThePortRetried) {
  std::atomic<int> drops{0};
  FakeFtpServer server(standard([&](FakeSession& s) {
    if (s.port_port == 3003 && drops++ == 0) return false;  // hang up on the first LIST of 3003
    if (s.port_port == 3005 && drops.load() < 3) {
      ++drops;
      s.send("421 Timeout.\r\n");
      return false;
    }
    s.send("425 no\r\n");
    return true;
  }));
  const Outcome o = scan(server, {3001, 3002, 3003, 3004, 3005, 3006}, 1);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  EXPECT_EQ(o.results.size(), 6u);
  EXPECT_GE(o.report.reconnects, 2u);
  EXPECT_GE(o.report.logins, 3u);
}

TEST_F(FtpBounceTest, ServerThatKeepsDroppingEndsWithOneLine) {
  FakeFtpServer server(standard([](FakeSession&) { return false; }));
  const Outcome o = scan(server, {1, 2, 3}, 2);
  EXPECT_NE(o.report.error.find("closed the control connection"), std::string::npos) << o.report.error;
  EXPECT_LT(o.report.finished, 3u);
}

TEST_F(FtpBounceTest, HostileRepliesAreErrorsNotCrashes) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"hello there\r\n", "malformed reply \"hello there\""},
      {"99 short\r\n", "malformed reply"},
      {"6xx\r\n", "malformed reply"},
      {std::string(5000, 'A'), "longer than 2048 bytes"},
      {"150 ok\r\n" + std::string(3000, '9') + "\r\n", "longer than 2048 bytes"},
      {"150-start\r\n" + [] {
         std::string s;
         for (int i = 0; i < 400; ++i) s += "line\r\n";
         return s;
       }(),
       "more than 256 lines"},
      {"150 a\r\n150 b\r\n150 c\r\n150 d\r\n150 e\r\n226 f\r\n", "preliminary replies"},
      {std::string("2\0\0 x\r\n", 7), "malformed reply \"2?? x\""},
  };
  for (const auto& [reply, expect] : cases) {
    FakeFtpServer server(standard([reply = reply](FakeSession& s) {
      s.send(reply);
      return true;
    }));
    const Outcome o = scan(server, {5000}, 1);
    EXPECT_NE(o.report.error.find(expect), std::string::npos) << o.report.error;
    EXPECT_EQ(o.report.error.find('\n'), std::string::npos);
    EXPECT_TRUE(o.results.empty());
  }
}

TEST_F(FtpBounceTest, NoServerIsOneLine) {
  // A port nothing listens on: bind without listen.
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  FtpBounceConfig c;
  c.relay.server = "127.0.0.1";
  c.relay.port = ntohs(a.sin_port);
  c.relay_ip = 0x7f000001;
  c.targets = &targets_;
  c.ports = {80};
  const auto t0 = std::chrono::steady_clock::now();
  const FtpBounceReport r = run_ftp_bounce_scan(c, {}, interrupt);
  ::close(fd);
  EXPECT_NE(r.error.find("cannot connect to the FTP server 127.0.0.1:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("Connection refused"), std::string::npos) << r.error;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(FtpBounceTest, InterruptStopsPromptly) {
  list_timeout_ms = 60'000;
  FakeFtpServer server(standard([](FakeSession&) { return true; }));  // LIST never answered
  std::thread stopper([this] {
    std::this_thread::sleep_for(300ms);
    interrupt = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  const Outcome o = scan(server, {1, 2, 3, 4}, 4);
  stopper.join();
  EXPECT_TRUE(o.report.interrupted);
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST_F(FtpBounceTest, ParallelSessionsShareTheWork) {
  FakeFtpServer server(standard([](FakeSession& s) {
    std::this_thread::sleep_for(30ms);
    s.send("425 no\r\n");
    return true;
  }));
  std::vector<uint16_t> ports;
  for (uint16_t p = 1; p <= 64; ++p) ports.push_back(p);
  const auto t0 = std::chrono::steady_clock::now();
  const Outcome o = scan(server, ports, 8);
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_TRUE(o.report.error.empty()) << o.report.error;
  EXPECT_EQ(o.results.size(), 64u);
  EXPECT_EQ(o.report.peak_sessions, 8u);
  EXPECT_LT(took, 1500ms);  // 64 x 30 ms one after another would be ~2 s
}

}  // namespace
}  // namespace portsweep
