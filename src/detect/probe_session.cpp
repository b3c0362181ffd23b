#include "detect/probe_session.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "detect/version_trace.hpp"

namespace portsweep {

namespace {

constexpr std::string_view kSslService = "ssl";

long long ms_between(ProbeSession::Clock::time_point a, ProbeSession::Clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

std::string describe(const ServiceMatch& m) {
  std::string s = m.service + " (line " + std::to_string(m.line) + ")";
  if (!m.product.empty() || !m.version.empty() || !m.info.empty()) {
    s += ": " + m.product + " | " + m.version + " | " + m.info;
  }
  return s;
}

}  // namespace

ProbeSession::ProbeSession(const ServiceProbeDb& db, const DetectOptions& options, ServiceTarget target,
                           VersionTrace* trace)
    : db_(db), options_(options), target_(target), trace_(trace) {}

std::string_view ProbeSession::payload() const {
  return probe_ != nullptr ? std::string_view(probe_->payload) : std::string_view();
}

std::optional<std::string_view> ProbeSession::softmatched() const {
  if (!soft_) return std::nullopt;
  return std::string_view(soft_->service);
}

std::chrono::milliseconds ProbeSession::wait_of(const ServiceProbe& p) const {
  return options_.wait_cap ? std::min(p.total_wait, *options_.wait_cap) : p.total_wait;
}

std::chrono::milliseconds ProbeSession::tcpwrapped_of(const ServiceProbe& p) const {
  return std::min(p.tcpwrapped, wait_of(p));
}

std::chrono::milliseconds ProbeSession::connect_timeout() const {
  return tls_ ? options_.tls_connect_timeout : options_.connect_timeout;
}

void ProbeSession::note(std::string_view what) const {
  if (trace_ != nullptr) trace_->line(target_, what);
}

ProbeSession::Next ProbeSession::start(Clock::time_point now) {
  order_ = db_.probe_order(target_.port, target_.proto, tls_, options_.intensity);
  next_ = 0;
  if (advance() == nullptr) {
    note("no probe to send");
    return finish(ServiceVerdict::NoMatch);
  }
  return connect_next(now);
}

const ServiceProbe* ProbeSession::advance() {
  // After a softmatch only probes that can name that service are worth a
  // connection; --version-all (intensity 9) tries them all regardless.
  const bool narrow = soft_ && options_.intensity < 9;
  probe_ = nullptr;
  while (next_ < order_.size()) {
    const ServiceProbe* p = order_[next_++];
    if (narrow && !p->may_identify(soft_->service)) continue;
    probe_ = p;
    break;
  }
  connect_failures_ = 0;
  return probe_;
}

ProbeSession::Next ProbeSession::connect_next(Clock::time_point now) {
  // nmap counts the connect against the probe's wait, so a slow connect
  // leaves less time for the response.
  probe_started_ = now;
  deadline_ = now + wait_of(*probe_);
  response_.clear();
  match_due_ = false;
  connected_ = false;
  ++connections_;
  return Next::Connect;
}

ProbeSession::Next ProbeSession::on_connected(Clock::time_point now) {
  (void)now;
  connected_ = true;
  ++probes_sent_;
  note("sending probe " + probe_->name + (tls_ ? " inside TLS" : ""));
  return Next::Send;
}

ProbeSession::Next ProbeSession::on_connect_failed(Clock::time_point now, int error) {
  connected_ = false;
  ++connect_failures_;
  note(std::string("connecting failed: ") + std::strerror(error) + " (attempt " +
       std::to_string(connect_failures_) + " of " + std::to_string(options_.connect_attempts) + ")");
  // Only a timeout is worth another try: a refusal or an unreachable route
  // will not change in a second, a full accept queue may.
  if (error == ETIMEDOUT && connect_failures_ < options_.connect_attempts) return connect_next(now);
  return finish(soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::Incomplete);
}

void ProbeSession::on_data(std::string_view bytes) {
  if (done_ || bytes.empty()) return;
  const std::size_t room = kMaxResponse - std::min(kMaxResponse, response_.size());
  if (room == 0) return;
  response_.append(bytes.substr(0, room));
  match_due_ = true;
}

ProbeSession::Next ProbeSession::on_match(std::optional<ServiceMatch> m, Clock::time_point now) {
  match_due_ = false;
  if (done_) return Next::Done;
  if (!m) return Next::Read;
  if (m->soft) {
    if (!soft_) {
      note("softmatch " + describe(*m) + " on probe " + probe_->name);
      absorb(*m);
      soft_ = std::move(m);
    }
    return Next::Read;
  }
  if (m->service == kSslService && !tls_ && options_.tls) {
    note("TLS detected by probe " + probe_->name + " (line " + std::to_string(m->line) +
         "); probing again inside TLS");
    tls_ = true;
    // Inside the tunnel the service starts from nothing again.
    soft_.reset();
    merged_.reset();
    cpe_parts_ = {};
    ssl_match_ = m;
    order_ = db_.probe_order(target_.port, target_.proto, true, options_.intensity);
    next_ = 0;
    if (advance() == nullptr) {
      tls_ = false;
      absorb(*m);
      return finish(ServiceVerdict::Matched);
    }
    return connect_next(now);
  }
  note("match " + describe(*m) + " on probe " + probe_->name);
  absorb(*m);
  return finish(ServiceVerdict::Matched);
}

ProbeSession::Next ProbeSession::on_closed(Clock::time_point now) {
  if (done_) return Next::Done;
  connected_ = false;
  const auto after = now - probe_started_;
  if (probe_->is_null() && response_.empty() && after < tcpwrapped_of(*probe_)) {
    note("closed by the peer after " + std::to_string(ms_between(probe_started_, now)) +
         " ms with no data: tcpwrapped");
    return finish(ServiceVerdict::TcpWrapped);
  }
  note("probe " + probe_->name + ": connection closed by the peer");
  if (advance() == nullptr) return finish(soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::NoMatch);
  return connect_next(now);
}

ProbeSession::Next ProbeSession::on_timeout(Clock::time_point now) {
  if (done_) return Next::Done;
  const bool reuse = probe_->is_null() && connected_;
  if (advance() == nullptr) return finish(soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::NoMatch);
  if (!reuse) return connect_next(now);
  // The banner wait is over and the connection is still up: send the next
  // probe on it, its response following whatever the banner was.
  probe_started_ = now;
  deadline_ = now + wait_of(*probe_);
  ++probes_sent_;
  note("sending probe " + probe_->name + " on the NULL probe's connection");
  return Next::Send;
}

ProbeSession::Next ProbeSession::on_tls_failed(Clock::time_point now) {
  (void)now;
  if (done_) return Next::Done;
  note("TLS handshake failed; reporting the port as ssl");
  tls_ = false;
  merged_.reset();
  cpe_parts_ = {};
  if (!ssl_match_) return finish(ServiceVerdict::Incomplete);
  absorb(*ssl_match_);
  return finish(ServiceVerdict::Matched);
}

void ProbeSession::absorb(const ServiceMatch& m) {
  if (!merged_) merged_.emplace();
  ServiceMatch& r = *merged_;
  r.service = m.service;
  r.soft = m.soft;
  r.line = m.line;
  auto keep = [](std::string& into, const std::string& value) {
    if (!value.empty()) into = value;
  };
  keep(r.product, m.product);
  keep(r.version, m.version);
  keep(r.info, m.info);
  keep(r.hostname, m.hostname);
  keep(r.ostype, m.ostype);
  keep(r.devicetype, m.devicetype);
  // A match line names at most one CPE of each part that counts; the first wins.
  std::array<bool, 3> seen{};
  for (const std::string& c : m.cpe) {
    const std::size_t part = c.rfind("cpe:/a", 0) == 0 ? 0 : c.rfind("cpe:/h", 0) == 0 ? 1 : c.rfind("cpe:/o", 0) == 0 ? 2 : 3;
    if (part < 3 && !seen[part]) {
      cpe_parts_[part] = c;
      seen[part] = true;
    }
  }
  r.cpe.clear();
  for (const std::string& c : cpe_parts_) {
    if (!c.empty()) r.cpe.push_back(c);
  }
}

ProbeSession::Next ProbeSession::finish(ServiceVerdict v) {
  verdict_ = v;
  done_ = true;
  connected_ = false;
  match_due_ = false;
  note("done: " + std::string(to_string(v)) + " after " + std::to_string(probes_sent_) + " probes");
  return Next::Done;
}

ServiceOutcome ProbeSession::outcome() const {
  ServiceOutcome o;
  o.target = target_;
  o.verdict = verdict_;
  if (verdict_ == ServiceVerdict::Matched || verdict_ == ServiceVerdict::SoftMatched) o.match = merged_;
  o.tls = tls_;
  // Some match lines name the tunnel themselves ("ssl/vmware-auth") when a
  // clear-text probe reads the TLS layer's own answer.
  if (o.match && o.match->service.rfind("ssl/", 0) == 0) {
    o.match->service.erase(0, 4);
    o.tls = true;
  }
  o.probes_sent = probes_sent_;
  o.connections = connections_;
  return o;
}

}  // namespace portsweep
