#include "engine/ftp_bounce_scan.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/clock.hpp"
#include "common/error.hpp"

namespace portsweep {

namespace {

constexpr size_t kMaxReplyLine = 2048;   // bytes of one reply line, CRLF included
constexpr int kMaxReplyLines = 256;      // lines of one multi-line reply
constexpr int kMaxPreliminary = 4;       // 1xx replies to one LIST before its final one
constexpr int kPollSliceMs = 100;        // how often a waiting session looks at the stop flag
constexpr int kTooManyTries = 5;         // 421s in a row with no session up before the scan stops

const char* const kSpecShape = "expected [USER[:PASS]@]SERVER[:PORT], e.g. anonymous:x@198.18.3.21:21";

int64_t mono_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}


bool has_control_char(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A server's words in one of our lines: printable ASCII, at most 120 bytes.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 120)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > 120) out += "...";
  return out;
}

std::string reply_text(const FtpReply& r) { return std::to_string(r.code) + " " + printable(r.text); }

enum class Read { Ok, Timeout, Closed, Broken, Stopped };

// One control connection: commands out, whole replies in, every wait
// bounded by a deadline and cut short by the stop flag.
class ControlConnection {
 public:
  ControlConnection(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  ~ControlConnection() { ::close(fd_); }
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  // False (with `why`) when the connection is gone.
  bool send_command(std::string_view command, std::string& why) {
    std::string line(command);
    line += "\r\n";
    size_t sent = 0;
    const int64_t deadline = mono_ms() + 10'000;
    while (sent < line.size()) {
      const ssize_t n = ::send(fd_, line.data() + sent, line.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        sent += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (stop_.load(std::memory_order_relaxed) || mono_ms() > deadline) {
          why = "the FTP server stopped reading its control connection";
          return false;
        }
        pollfd p{fd_, POLLOUT, 0};
        ::poll(&p, 1, kPollSliceMs);
        continue;
      }
      why = std::string("sending to the FTP server failed: ") + std::strerror(errno);
      return false;
    }
    return true;
  }

  // A whole reply (all lines of a multi-line one) within `timeout_ms`.
  Read read_reply(int timeout_ms, FtpReply& out, std::string& why) {
    const int64_t deadline = mono_ms() + std::max(1, timeout_ms);
    std::string line;
    Read r = read_line(deadline, line, why);
    if (r != Read::Ok) return r;
    const bool coded = line.size() >= 3 && line[0] >= '1' && line[0] <= '5' && std::isdigit(static_cast<unsigned char>(line[1])) &&
                       std::isdigit(static_cast<unsigned char>(line[2])) &&
                       (line.size() == 3 || line[3] == ' ' || line[3] == '-');
    if (!coded) {
      why = "the FTP server sent a malformed reply \"" + printable(line) + "\" (expected a three-digit code)";
      return Read::Broken;
    }
    out.code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    out.text = line.size() > 4 ? line.substr(4) : std::string();
    if (line.size() == 3 || line[3] == ' ') return Read::Ok;
    // "123-first line" ... "123 last line".
    for (int n = 1;; ++n) {
      if (n >= kMaxReplyLines) {
        why = "the FTP server sent a reply of more than " + std::to_string(kMaxReplyLines) + " lines";
        return Read::Broken;
      }
      std::string next;
      r = read_line(deadline, next, why);
      if (r != Read::Ok) return r;
      if (next.size() >= 3 && next.compare(0, 3, line, 0, 3) == 0 && (next.size() == 3 || next[3] == ' ')) return Read::Ok;
    }
  }

 private:
  Read read_line(int64_t deadline, std::string& line, std::string& why) {
    while (true) {
      const size_t eol = buf_.find('\n');
      if (eol != std::string::npos) {
        if (eol + 1 > kMaxReplyLine) break;
        line.assign(buf_, 0, eol);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        buf_.erase(0, eol + 1);
        return Read::Ok;
      }
      if (buf_.size() >= kMaxReplyLine) break;
      if (stop_.load(std::memory_order_relaxed)) return Read::Stopped;
      const int64_t now = mono_ms();
      if (now >= deadline) return Read::Timeout;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(deadline - now, kPollSliceMs)));
      if (ready <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0) {
        why = "the FTP server closed the control connection";
        return Read::Closed;
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        why = std::string("the control connection failed: ") + std::strerror(errno);
        return Read::Closed;
      }
      buf_.append(chunk, static_cast<size_t>(n));
    }
    why = "the FTP server sent a reply line longer than " + std::to_string(kMaxReplyLine) + " bytes";
    return Read::Broken;
  }

  int fd_;
  const std::atomic<bool>& stop_;
  std::string buf_;
};

// A TCP connection to the server within `timeout_ms`; -errno on failure
// (-ETIMEDOUT for no answer, -EINTR when stopped).
int connect_to(uint32_t ip, uint16_t port, int timeout_ms, const std::atomic<bool>& stop) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(ip);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0) return fd;
  if (errno != EINPROGRESS) {
    const int e = errno;
    ::close(fd);
    return -e;
  }
  const int64_t deadline = mono_ms() + timeout_ms;
  while (true) {
    if (stop.load(std::memory_order_relaxed)) {
      ::close(fd);
      return -EINTR;
    }
    const int64_t now = mono_ms();
    if (now >= deadline) {
      ::close(fd);
      return -ETIMEDOUT;
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(std::min<int64_t>(deadline - now, kPollSliceMs))) <= 0) continue;
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0) error = errno;
    if (error != 0) {
      ::close(fd);
      return -error;
    }
    return fd;
  }
}

struct Probe {
  uint32_t ip;
  uint16_t port;
  uint8_t attempt;
};

enum class Login { Ok, TooMany, Failed, Fatal, Stopped };

enum class ProbeEnd {
  Decided,           // a state (or a timeout), the session still in step
  DecidedReconnect,  // a timeout: the server is still busy with it, so the session is dropped
  Skipped,           // a privileged port the server refuses PORT for
  SkippedReconnect,  // ... or refuses LIST for, ending the session
  Lost,              // the session broke: retry the probe on a new one
  Fatal,             // the server cannot do this scan
};

class BounceScan {
 public:
  BounceScan(const FtpBounceConfig& c, const FtpBounceHooks& h, const std::atomic<bool>& interrupt)
      : cfg_(c), hooks_(h), interrupt_(interrupt) {
    report_.probes = c.targets->size() * c.ports.size();
    workers_ = static_cast<unsigned>(std::max<uint64_t>(1, std::min<uint64_t>(std::max(1u, c.max_parallel), report_.probes)));
    report_.parallel_limit = workers_;
    has_unprivileged_ = std::any_of(c.ports.begin(), c.ports.end(), [](uint16_t p) { return p >= 1024; });
  }

  FtpBounceReport run() {
    const int64_t t0 = mono_ms();
    std::vector<std::thread> threads;
    threads.emplace_back([this] { work(0); });
    bool others_started = workers_ == 1;
    const auto progress_ms = static_cast<int64_t>(hooks_.progress_every_s * 1e3);
    int64_t next_tick = t0 + 100, next_progress = t0 + progress_ms;
    std::vector<PortResult> batch;
    while (true) {
      {
        std::unique_lock lock(mu_);
        wake_.wait_for(lock, std::chrono::milliseconds(50));
        if (!others_started && first_login_ && !stop_.load() && (next_ < report_.probes || !retries_.empty())) {
          for (unsigned i = 1; i < workers_; ++i) {
            ++running_;
            threads.emplace_back([this, i] { work(i); });
          }
          others_started = true;
        }
        batch.swap(results_);
      }
      if (!batch.empty() && hooks_.on_results) hooks_.on_results(batch);
      batch.clear();
      if (interrupt_.load(std::memory_order_relaxed) && !stop_.load()) {
        std::lock_guard lock(mu_);
        report_.interrupted = true;
        stop_.store(true);
      }
      const int64_t now = mono_ms();
      if (now >= next_tick) {
        next_tick = now + 100;
        if (hooks_.on_tick) hooks_.on_tick();
      }
      if (hooks_.progress != nullptr && now >= next_progress) {
        next_progress = now + progress_ms;
        std::lock_guard lock(mu_);
        *hooks_.progress << "portsweep: ftp bounce scan: " << report_.finished << " of " << report_.probes
                         << " probes done, " << sessions_up_ << " sessions up\n";
      }
      std::lock_guard lock(mu_);
      // Worker 0 ends last unless the others were started: it only retires
      // while another session is up.
      if (running_ == 0) break;
    }
    for (std::thread& t : threads) t.join();
    if (!results_.empty() && hooks_.on_results) hooks_.on_results(results_);
    results_.clear();
    report_.seconds = static_cast<double>(mono_ms() - t0) / 1e3;
    return report_;
  }

 private:
  // One control connection's life: log in, take probes, reconnect when it breaks.
  void work(unsigned id) {
    std::unique_ptr<ControlConnection> conn;
    int failures = 0, too_many = 0;
    std::string why;
    while (!stop_.load()) {
      if (!conn) {
        if (!has_work()) break;
        const Login l = open_session(conn, why);
        if (l == Login::Stopped) break;
        if (l == Login::Fatal) {
          fail(why);
          break;
        }
        if (l == Login::TooMany) {
          std::unique_lock lock(mu_);
          if (sessions_up_ > 0) {  // the server allows fewer: this connection is one too many
            ++report_.retired;
            break;
          }
          lock.unlock();
          if (++too_many >= kTooManyTries) {
            fail(why);
            break;
          }
          pause_ms(500 << too_many);  // sessions the server still counts may end meanwhile
          continue;
        }
        if (l == Login::Failed) {
          if (++failures > cfg_.max_reconnects) {
            fail(why);
            break;
          }
          pause_ms(200 << failures);
          continue;
        }
        too_many = 0;
        std::lock_guard lock(mu_);
        ++sessions_up_;
        ++report_.logins;
        report_.peak_sessions = std::max(report_.peak_sessions, sessions_up_);
        if (id == 0 && !first_login_) {
          first_login_ = true;
          wake_.notify_all();
        }
      }
      Probe p{};
      if (!take(p)) {
        std::string ignored;
        conn->send_command("QUIT", ignored);
        break;
      }
      PortResult r;
      const ProbeEnd end = probe_port(*conn, p, r, why);
      switch (end) {
        case ProbeEnd::Decided:
          failures = 0;
          settle(p, r);
          break;
        case ProbeEnd::DecidedReconnect:
          failures = 0;
          settle(p, r);
          drop(conn, true);
          break;
        case ProbeEnd::Skipped:
          failures = 0;
          skip();
          break;
        case ProbeEnd::SkippedReconnect:
          failures = 0;
          skip();
          drop(conn, true);
          break;
        case ProbeEnd::Lost:
          drop(conn, true);
          if (stop_.load()) break;
          if (p.attempt + 1 >= cfg_.max_attempts) {
            fail(why + " (" + std::to_string(cfg_.max_attempts) + " times, scanning " + address(p) + ")");
            break;
          }
          requeue(p);
          if (++failures > cfg_.max_reconnects) fail(why);
          break;
        case ProbeEnd::Fatal:
          fail(why);
          break;
      }
    }
    drop(conn, false);
    std::lock_guard lock(mu_);
    --running_;
    wake_.notify_all();
  }

  Login open_session(std::unique_ptr<ControlConnection>& conn, std::string& why) {
    const std::string server = "the FTP server " + cfg_.relay.server + ":" + std::to_string(cfg_.relay.port);
    const int fd = connect_to(cfg_.relay_ip, cfg_.relay.port, cfg_.connect_timeout_ms, stop_);
    if (fd == -EINTR) return Login::Stopped;
    if (fd < 0) {
      why = "cannot connect to " + server + ": " + std::strerror(-fd);
      if (fd != -ECONNREFUSED) return Login::Failed;
      // Refused once a session was up: the server's limit, most likely.
      std::lock_guard lock(mu_);
      return first_login_ ? Login::TooMany : Login::Fatal;
    }
    auto c = std::make_unique<ControlConnection>(fd, stop_);
    FtpReply reply;
    // The greeting: 220, perhaps after a 120 ("ready in n minutes").
    for (int i = 0;; ++i) {
      const Read r = c->read_reply(cfg_.login_timeout_ms, reply, why);
      if (r == Read::Stopped) return Login::Stopped;
      if (r == Read::Timeout) why = server + " sent no greeting within " + std::to_string(cfg_.login_timeout_ms / 1000) + " s";
      if (r != Read::Ok) return Login::Failed;
      if (reply.code == 120 && i < 3) continue;
      break;
    }
    if (reply.code == 421) {
      why = server + " accepts no more connections (" + reply_text(reply) + ")";
      return Login::TooMany;
    }
    if (reply.code / 100 != 2) {
      why = server + " greeted with \"" + reply_text(reply) + "\" instead of 220";
      return Login::Failed;
    }
    const Login l = command(*c, "USER " + cfg_.relay.user, reply, why);
    if (l != Login::Ok) return l;
    if (reply.code == 331 || reply.code == 332) {
      const Login p = command(*c, "PASS " + cfg_.relay.password, reply, why);
      if (p != Login::Ok) return p;
      if (reply.code == 332) {
        why = server + " wants an account (ACCT) after the password, which -b does not send";
        return Login::Fatal;
      }
      if (reply.code / 100 != 2) {
        why = server + " refuses the login of user \"" + cfg_.relay.user + "\" with that password (" +
              reply_text(reply) + ")";
        return Login::Fatal;
      }
    } else if (reply.code / 100 != 2) {
      why = server + " refuses the user name \"" + cfg_.relay.user + "\" (" + reply_text(reply) + ")";
      return Login::Fatal;
    }
    conn = std::move(c);
    return Login::Ok;
  }

  // A login command and its reply; 421 is a full server, a broken reply a failed session.
  Login command(ControlConnection& c, const std::string& line, FtpReply& reply, std::string& why) {
    if (!c.send_command(line, why)) return Login::Failed;
    const Read r = c.read_reply(cfg_.login_timeout_ms, reply, why);
    if (r == Read::Stopped) return Login::Stopped;
    if (r == Read::Timeout) why = "the FTP server did not answer " + line.substr(0, 4) + " within " +
                                  std::to_string(cfg_.login_timeout_ms / 1000) + " s";
    if (r != Read::Ok) return Login::Failed;
    if (reply.code == 421) {
      why = "the FTP server accepts no more connections (" + reply_text(reply) + ")";
      return Login::TooMany;
    }
    return Login::Ok;
  }

  ProbeEnd probe_port(ControlConnection& c, const Probe& p, PortResult& out, std::string& why) {
    char port_command[64];
    std::snprintf(port_command, sizeof port_command, "PORT %u,%u,%u,%u,%u,%u", p.ip >> 24, (p.ip >> 16) & 255,
                  (p.ip >> 8) & 255, p.ip & 255, p.port >> 8, p.port & 255);
    if (!c.send_command(port_command, why)) return ProbeEnd::Lost;
    FtpReply reply;
    Read r = c.read_reply(cfg_.port_timeout_ms, reply, why);
    if (r == Read::Timeout) why = "the FTP server did not answer PORT within " + std::to_string(cfg_.port_timeout_ms / 1000) + " s";
    if (r != Read::Ok) return ProbeEnd::Lost;
    if (reply.code == 421) {
      why = "the FTP server ended the session (" + reply_text(reply) + ")";
      return ProbeEnd::Lost;
    }
    if (reply.code / 100 == 5 && reply.text.rfind("OOPS:", 0) == 0) {
      // vsftpd's last words as a session dies, not an answer to PORT.
      why = "the FTP server's session failed (" + reply_text(reply) + ")";
      return ProbeEnd::Lost;
    }
    if (reply.code / 100 == 5) {
      if (p.port < 1024 && privileged_.load() != kAccepted) return refuse_privileged(reply, why);
      why = "the FTP server refuses PORT to another host (" + reply_text(reply) +
            "), so it cannot relay a bounce scan (vsftpd needs port_promiscuous=YES)";
      return ProbeEnd::Fatal;
    }
    if (reply.code / 100 != 2) {
      why = "the FTP server answered PORT with \"" + reply_text(reply) + "\"";
      return ProbeEnd::Lost;
    }
    if (!c.send_command("LIST", why)) return ProbeEnd::Lost;
    out.ip = IpAddress::v4(p.ip);
    out.port = p.port;
    out.proto = Proto::Tcp;
    out.reason = Reason::NoResponse;  // nmap's -b sets no reason
    r = c.read_reply(cfg_.list_timeout_ms, reply, why);
    if (r == Read::Timeout) {
      out.state = PortState::Filtered;
      return ProbeEnd::DecidedReconnect;
    }
    if (r != Read::Ok) return ProbeEnd::Lost;
    if (reply.code == 421) {
      why = "the FTP server ended the session (" + reply_text(reply) + ")";
      return ProbeEnd::Lost;
    }
    if (p.port < 1024) {
      // vsftpd accepts PORT to a privileged port but refuses to connect
      // there: LIST gets "500 OOPS: ..." and the session ends. That is the
      // refusal nmap skips privileged ports for, a reply later.
      if (reply.code / 100 == 5 && privileged_.load() != kAccepted) {
        const ProbeEnd e = refuse_privileged(reply, why);
        return e == ProbeEnd::Skipped ? ProbeEnd::SkippedReconnect : e;
      }
      privileged_.store(kAccepted);
    }
    int final_code = 0;
    if (reply.code / 100 == 1) {
      // The data connection is up: the transfer ends with 226, or 426 if it broke.
      FtpReply last;
      for (int i = 0;; ++i) {
        r = c.read_reply(cfg_.transfer_timeout_ms, last, why);
        if (r == Read::Timeout) {
          out.state = PortState::Filtered;
          return ProbeEnd::DecidedReconnect;
        }
        if (r != Read::Ok) return ProbeEnd::Lost;
        if (last.code / 100 != 1) break;
        if (i + 1 >= kMaxPreliminary) {
          why = "the FTP server sent more than " + std::to_string(kMaxPreliminary) + " preliminary replies to LIST";
          return ProbeEnd::Lost;
        }
      }
      if (last.code == 421) {
        why = "the FTP server ended the session (" + reply_text(last) + ")";
        return ProbeEnd::Lost;
      }
      final_code = last.code;
    }
    out.state = bounce_list_state(reply.code, final_code);
    return ProbeEnd::Decided;
  }

  // The server refuses privileged ports: skip them (nmap does), unless
  // nothing else was asked for.
  ProbeEnd refuse_privileged(const FtpReply& reply, std::string& why) {
    int expected = kUnknown;
    if (privileged_.compare_exchange_strong(expected, kRefused)) {
      std::lock_guard lock(mu_);
      report_.warnings.push_back("the FTP server refuses to connect to privileged ports (" + reply_text(reply) +
                                 "): ports below 1024 are skipped, as nmap skips them");
    }
    if (!has_unprivileged_) {
      why = "the FTP server refuses to connect to privileged ports (" + reply_text(reply) +
            "), and every port asked for is below 1024 (a server that refuses PORT to other hosts answers the "
            "same)";
      return ProbeEnd::Fatal;
    }
    return ProbeEnd::Skipped;
  }

  bool has_work() {
    std::lock_guard lock(mu_);
    return next_ < report_.probes || !retries_.empty();
  }

  bool take(Probe& p) {
    std::lock_guard lock(mu_);
    if (stop_.load()) return false;
    if (!retries_.empty()) {
      p = retries_.front();
      retries_.pop_front();
      return true;
    }
    const uint64_t ports = cfg_.ports.size();
    while (next_ < report_.probes) {
      const uint64_t i = next_++;
      p = {cfg_.targets->at(i / ports), cfg_.ports[i % ports], 0};
      if (p.port < 1024 && privileged_.load() == kRefused) {
        ++report_.skipped;
        ++report_.finished;
        continue;
      }
      return true;
    }
    return false;
  }

  void requeue(Probe p) {
    ++p.attempt;
    std::lock_guard lock(mu_);
    retries_.push_back(p);
  }

  void settle(const Probe&, PortResult r) {
    std::lock_guard lock(mu_);
    ++report_.finished;
    if (r.state == PortState::Filtered) {
      ++report_.filtered;  // unreported: the outputs count it as no-response
      return;
    }
    if (r.state == PortState::Open) ++report_.open;
    else ++report_.closed;
    r.time_us = wall_us();
    results_.push_back(r);
  }

  void skip() {
    std::lock_guard lock(mu_);
    ++report_.skipped;
    ++report_.finished;
  }

  void drop(std::unique_ptr<ControlConnection>& conn, bool reconnect) {
    if (!conn) return;
    conn.reset();
    std::lock_guard lock(mu_);
    --sessions_up_;
    if (reconnect && !stop_.load()) ++report_.reconnects;
  }

  void fail(const std::string& why) {
    std::lock_guard lock(mu_);
    if (report_.error.empty() && !report_.interrupted) report_.error = why;
    stop_.store(true);
    wake_.notify_all();
  }

  void pause_ms(int ms) {
    const int64_t until = mono_ms() + ms;
    while (!stop_.load() && mono_ms() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  static std::string address(const Probe& p) {
    in_addr a{htonl(p.ip)};
    char text[INET_ADDRSTRLEN] = "";
    ::inet_ntop(AF_INET, &a, text, sizeof text);
    return std::string(text) + ":" + std::to_string(p.port);
  }

  static constexpr int kUnknown = 0, kAccepted = 1, kRefused = 2;

  const FtpBounceConfig& cfg_;
  const FtpBounceHooks& hooks_;
  const std::atomic<bool>& interrupt_;
  unsigned workers_ = 1;
  bool has_unprivileged_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<int> privileged_{kUnknown};

  std::mutex mu_;  // guards everything below
  std::condition_variable wake_;
  FtpBounceReport report_;
  std::vector<PortResult> results_;
  std::deque<Probe> retries_;
  uint64_t next_ = 0;
  unsigned sessions_up_ = 0;
  unsigned running_ = 1;  // worker 0 runs from the start
  bool first_login_ = false;
};

}  // namespace

FtpRelay parse_ftp_relay(std::string_view spec) {
  const auto bad = [&](const std::string& what) {
    std::string shown;  // a control character is spelt out: the line stays one line
    for (char c : spec) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u != 0x7f) {
        shown += c;
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", u);
        shown += hex;
      }
    }
    return UsageError("invalid -b \"" + shown + "\": " + what + "; " + kSpecShape);
  };
  FtpRelay relay;
  std::string_view rest = spec;
  const size_t at = spec.rfind('@');
  if (at != std::string_view::npos) {
    const std::string_view credentials = spec.substr(0, at);
    rest = spec.substr(at + 1);
    const size_t colon = credentials.find(':');
    relay.user = std::string(credentials.substr(0, colon));
    if (colon != std::string_view::npos) relay.password = std::string(credentials.substr(colon + 1));
    if (relay.user.empty()) throw bad("the user name before '@' is empty");
  }
  const size_t colon = rest.find(':');
  relay.server = std::string(rest.substr(0, colon));
  if (relay.server.empty()) throw bad("no FTP server named");
  if (colon != std::string_view::npos) {
    const std::string_view port = rest.substr(colon + 1);
    unsigned value = 0;
    bool ok = !port.empty() && port.size() <= 5;
    for (char c : port) {
      if (c < '0' || c > '9') ok = false;
      else value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (!ok || value < 1 || value > 65535) throw bad("the port \"" + std::string(port) + "\" is not 1-65535");
    relay.port = static_cast<uint16_t>(value);
  }
  if (has_control_char(relay.user) || has_control_char(relay.password) || has_control_char(relay.server))
    throw bad("it holds a control character, which would end the FTP command early");
  return relay;
}

uint32_t resolve_ftp_relay(const FtpRelay& relay) {
  in_addr a{};
  if (::inet_pton(AF_INET, relay.server.c_str(), &a) == 1) return ntohl(a.s_addr);
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = ::getaddrinfo(relay.server.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr)
    throw UsageError("cannot resolve the FTP server \"" + relay.server + "\" of -b to an IPv4 address: " +
                     (rc != 0 ? ::gai_strerror(rc) : "no address"));
  const uint32_t ip = ntohl(reinterpret_cast<const sockaddr_in*>(found->ai_addr)->sin_addr.s_addr);
  ::freeaddrinfo(found);
  return ip;
}

PortState bounce_list_state(int first, int final) noexcept {
  if (first / 100 == 1) return final / 100 == 2 ? PortState::Open : PortState::Closed;
  return first / 100 == 2 ? PortState::Open : PortState::Closed;
}

FtpBounceReport run_ftp_bounce_scan(const FtpBounceConfig& config, const FtpBounceHooks& hooks,
                                    const std::atomic<bool>& interrupt) {
  if (config.targets == nullptr || config.targets->size() == 0 || config.ports.empty()) return {};
  BounceScan scan(config, hooks, interrupt);
  return scan.run();
}

}  // namespace portsweep
