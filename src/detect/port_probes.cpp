#include "detect/port_probes.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "detect/version_match.hpp"
#include "detect/version_trace.hpp"

namespace portsweep {

namespace {

constexpr std::string_view kSslService = "ssl";

long long ms_between(PortProbes::Clock::time_point a, PortProbes::Clock::time_point b) {
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

PortProbes::PortProbes(const ServiceProbeDb& db, const DetectOptions& options, ServiceTarget target,
                       VersionTrace* trace)
    : db_(db), options_(options), target_(target), trace_(trace) {}

std::chrono::milliseconds PortProbes::wait_of(const ServiceProbe& p) const {
  return options_.wait_cap ? std::min(p.total_wait, *options_.wait_cap) : p.total_wait;
}

std::chrono::milliseconds PortProbes::tcpwrapped_of(const ServiceProbe& p) const {
  return std::min(p.tcpwrapped, wait_of(p));
}

std::chrono::milliseconds PortProbes::quiet_wait(const ServiceProbe& p) const {
  std::chrono::milliseconds quiet = options_.quiet_floor;
  if (srtt_) {
    const auto from_rtt = std::chrono::ceil<std::chrono::milliseconds>(*srtt_ * options_.quiet_rtts);
    quiet = std::max(quiet, from_rtt);
  }
  return std::min(quiet, wait_of(p));
}

void PortProbes::note(std::string_view what) const {
  if (trace_ != nullptr) trace_->line(target_, what);
}

void PortProbes::build_runs() {
  runs_.clear();
  for (const ServiceProbe* p : db_.probe_order(target_.port, target_.proto, tls_, options_.intensity)) {
    Run r;
    r.probe = p;
    runs_.push_back(std::move(r));
  }
  next_launch_ = 0;
  busy_ = 0;
  first_hard_ = runs_.size();
  walk_soft_.reset();
}

PortProbes::Clock::time_point PortProbes::quiet_deadline(const Run& r) const {
  return std::min(r.linger_until, std::max(r.quiet_until, r.sent + slowest_answer_ * kSlowAnswerFactor));
}

void PortProbes::start(Clock::time_point now) {
  (void)now;
  lanes_ = std::max(1u, std::min(options_.first_lanes, options_.lanes));
  build_runs();
  if (runs_.empty()) {
    note("no probe to send");
    finish(ServiceVerdict::NoMatch);
  }
}

const std::string& PortProbes::context_of(const Run& r) const {
  if (!r.walk_under.empty() || !r.soft) return r.walk_under;
  return r.soft->service;
}

bool PortProbes::eligible(const Run& r, const std::string& soft) const {
  // After a softmatch only probes that can name that service are worth a
  // connection; --version-all (intensity 9) tries them all regardless.
  return soft.empty() || options_.intensity >= 9 || r.probe->may_identify(soft);
}

int PortProbes::launch(Clock::time_point now) {
  if (done_) return -1;
  const std::string soft = walk_soft_ ? walk_soft_->service : std::string();
  // Nothing after a hard match can be the answer.
  while (busy_ < lanes_ && next_launch_ < std::min(runs_.size(), first_hard_)) {
    const std::size_t i = next_launch_++;
    Run& r = runs_[i];
    if (r.state != RunState::Waiting) continue;
    if (!eligible(r, soft)) {
      r.state = RunState::Over;  // narrowed away before it was sent
      continue;
    }
    r.state = RunState::Connecting;
    r.connect_started = now;
    ++busy_;
    ++connections_;
    return static_cast<int>(i);
  }
  return -1;
}

bool PortProbes::wanted(int run) const {
  return !done_ && runs_[run].state != RunState::Over && runs_[run].state != RunState::Waiting;
}

void PortProbes::release_lane(Run& r) {
  if (r.state == RunState::Connecting || r.state == RunState::Running) --busy_;
}

void PortProbes::slow() {
  if (!slow_server_) note("slow server: one probe at a time from now on");
  slow_server_ = true;
  lanes_ = 1;
}

void PortProbes::end_run(Run& r) {
  release_lane(r);
  r.state = RunState::Over;
}

void PortProbes::on_connected(int run, Clock::time_point now) {
  Run& r = runs_[run];
  if (r.state != RunState::Connecting) return;
  const auto rtt = now - r.connect_started;
  srtt_ = srtt_ ? (*srtt_ * 7 + rtt) / 8 : rtt;
  r.state = RunState::Running;
  r.sent = now;
  // nmap counts the connect against the probe's wait, so a slow connect
  // leaves less time for the response.
  r.linger_until = r.connect_started + wait_of(*r.probe);
  r.quiet_until = std::min(now + quiet_wait(*r.probe), r.linger_until);
  ++probes_sent_;
  note("sending probe " + r.probe->name + (tls_ ? " inside TLS" : "") + " (quiet after " +
       std::to_string(ms_between(now, r.quiet_until)) + " ms)");
}

bool PortProbes::on_connect_failed(int run, Clock::time_point now, int error) {
  Run& r = runs_[run];
  if (r.state != RunState::Connecting) return false;
  ++r.connect_failures;
  note("probe " + r.probe->name + ": connecting failed: " + std::strerror(error) + " (attempt " +
       std::to_string(r.connect_failures) + " of " + std::to_string(options_.connect_attempts) + ")");
  // Only a timeout is worth another try: a refusal or an unreachable route
  // will not change in a second, a full accept queue may.
  if (error == ETIMEDOUT) slow();
  if (error == ETIMEDOUT && r.connect_failures < options_.connect_attempts) {
    r.connect_started = now;
    return true;
  }
  r.failed = true;
  end_run(r);
  return false;
}

void PortProbes::on_tls_failed(int run, Clock::time_point now) {
  (void)run;
  (void)now;
  if (done_) return;
  note("TLS handshake failed; reporting the port as ssl");
  tls_ = false;
  if (!ssl_match_) {
    finish(ServiceVerdict::Incomplete);
    return;
  }
  finish(ServiceVerdict::Matched, ssl_match_);
}

std::string_view PortProbes::payload(int run) const { return runs_[run].probe->payload; }

void PortProbes::on_data(int run, std::string_view bytes, Clock::time_point now) {
  Run& r = runs_[run];
  if (done_ || bytes.empty()) return;
  if (r.state != RunState::Running && r.state != RunState::Lingering) return;
  if (!r.answered) {
    r.answered = true;
    if (now > r.quiet_until) slow();  // an answer after its quiet wait
    if (now - r.sent > slowest_answer_) {
      slowest_answer_ = now - r.sent;
      // A slow server: probes concluded sooner than it answers are waited for again.
      for (Run& other : runs_) {
        if (other.state == RunState::Lingering && !other.answered && now < quiet_deadline(other)) {
          other.state = RunState::Running;
          ++busy_;
        }
      }
    }
  }
  const std::size_t room = kMaxResponse - std::min(kMaxResponse, r.response.size());
  if (room == 0) return;
  r.response.append(bytes.substr(0, room));
  r.match_due = true;
}

bool PortProbes::match_due(int run) const {
  const Run& r = runs_[run];
  if (done_ || r.response.empty()) return false;
  // Matched under its own softmatch (or none) while an earlier probe's
  // softmatch now decides which lines count: match it again under that.
  return r.match_due || (!r.walk_under.empty() && r.matched_under != r.walk_under);
}

PortProbes::MatchRequest PortProbes::match_request(int run) {
  Run& r = runs_[run];
  r.pending_under = context_of(r);
  MatchRequest q;
  q.probe = r.probe;
  q.response = r.response;
  if (!r.pending_under.empty()) q.softmatched = r.pending_under;
  return q;
}

void PortProbes::on_match(int run, std::optional<ServiceMatch> m) {
  Run& r = runs_[run];
  if (r.pending_under != r.matched_under) {
    // Matched again under another softmatch: what the old one found is void.
    r.soft.reset();
    r.hard.reset();
    r.matched_under = r.pending_under;
  }
  r.match_due = false;
  if (done_ || !m) return;
  if (m->soft) {
    if (!r.soft) {
      note("softmatch " + describe(*m) + " on probe " + r.probe->name);
      r.soft = std::move(m);
    }
    return;
  }
  if (!r.hard) note("match " + describe(*m) + " on probe " + r.probe->name);
  r.hard = std::move(m);
  // Its answer is in: the lane goes to the next probe while the walk
  // decides whether this match is the port's.
  end_run(r);
}

void PortProbes::on_closed(int run, Clock::time_point now) {
  Run& r = runs_[run];
  if (done_ || r.state == RunState::Over) return;
  if (r.probe->is_null() && r.response.empty() && r.state != RunState::Connecting &&
      now - r.sent < tcpwrapped_of(*r.probe)) {
    note("closed by the peer after " + std::to_string(ms_between(r.sent, now)) + " ms with no data: tcpwrapped");
    r.wrapped = true;
  } else {
    note("probe " + r.probe->name + ": connection closed by the peer");
  }
  end_run(r);
}

void PortProbes::on_deadline(int run, Clock::time_point now) {
  Run& r = runs_[run];
  if (r.state == RunState::Running && now < quiet_deadline(r)) return;  // waits longer now
  // Heard nothing in time: a silent service, where parallel waits pay.
  if (r.state == RunState::Running && !slow_server_ && !r.answered)
    lanes_ = std::min(std::max(1u, options_.lanes), lanes_ * 2);
  if (r.state == RunState::Running && r.probe->is_null() && hand_over(run, now)) return;
  if (r.state == RunState::Running && now < r.linger_until) {
    release_lane(r);
    r.state = RunState::Lingering;
    return;
  }
  if (r.state == RunState::Running || r.state == RunState::Lingering) end_run(r);
}

bool PortProbes::hand_over(int run, Clock::time_point now) {
  Run& null = runs_[run];
  // The probe nmap sends next: the first one not yet sent that the NULL
  // probe's softmatch (or the walk's) leaves worth sending.
  const std::string soft = walk_soft_ ? walk_soft_->service : null.soft ? null.soft->service : std::string();
  for (std::size_t k = static_cast<std::size_t>(run) + 1; k < std::min(runs_.size(), first_hard_); ++k) {
    Run& next = runs_[k];
    if (next.state != RunState::Waiting || !eligible(next, soft)) continue;
    // The connection and its lane pass on; the banner stays in front of
    // the reply, as in nmap.
    next.state = RunState::Running;
    next.connect_started = null.connect_started;
    next.sent = now;
    next.linger_until = now + wait_of(*next.probe);
    next.quiet_until = std::min(now + quiet_wait(*next.probe), next.linger_until);
    next.response = null.response;
    next.match_due = !next.response.empty();
    null.state = RunState::Over;
    handed_from_ = run;
    handed_to_ = static_cast<int>(k);
    ++probes_sent_;
    note("sending probe " + next.probe->name + " on the NULL probe's connection");
    return true;
  }
  return false;
}

int PortProbes::take_handover(int run) {
  if (handed_from_ != run) return -1;
  handed_from_ = -1;
  return handed_to_;
}

PortProbes::Clock::time_point PortProbes::deadline(int run) const {
  const Run& r = runs_[run];
  return r.state == RunState::Running ? quiet_deadline(r) : r.linger_until;
}

void PortProbes::restart_in_tls(const ServiceMatch& ssl, const ServiceProbe& by) {
  note("TLS detected by probe " + by.name + " (line " + std::to_string(ssl.line) + "); probing again inside TLS");
  tls_ = true;
  ssl_match_ = ssl;
  ++generation_;
  // Inside the tunnel the service starts from nothing again.
  build_runs();
  if (runs_.empty()) {
    tls_ = false;
    finish(ServiceVerdict::Matched, ssl);
  }
}

void PortProbes::settle(Clock::time_point now) {
  if (done_) return;
  walk_soft_.reset();
  std::string soft;  // walk_soft_'s service, or ""
  std::size_t k = 0;
  for (; k < runs_.size(); ++k) {
    Run& r = runs_[k];
    r.walk_under = soft;
    if (!eligible(r, soft)) {
      if (r.state != RunState::Waiting) end_run(r);
      continue;
    }
    if (r.state == RunState::Waiting || r.state == RunState::Connecting) break;
    if (r.wrapped) {
      finish(ServiceVerdict::TcpWrapped);
      return;
    }
    if (r.failed) {
      finish(walk_soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::Incomplete, walk_soft_);
      return;
    }
    if (match_due(static_cast<int>(k))) break;
    if (r.hard) {
      if (r.hard->service == kSslService && !tls_ && options_.tls) {
        const ServiceMatch ssl = *r.hard;
        restart_in_tls(ssl, *r.probe);
        if (!done_) settle(now);
        return;
      }
      // nmap's report: the hard match, with what the softmatch before it
      // named where the hard match names nothing.
      finish(ServiceVerdict::Matched, walk_soft_ ? combine_with_softmatch(*walk_soft_, *r.hard) : *r.hard);
      return;
    }
    if (r.state == RunState::Running) break;  // still within its quiet wait
    // Concluded with no hard match (lingering or over).
    if (r.soft && !walk_soft_) {
      walk_soft_ = r.soft;
      soft = r.soft->service;
    }
  }
  first_hard_ = runs_.size();
  for (std::size_t j = k; j < runs_.size(); ++j) {
    Run& r = runs_[j];
    r.walk_under = soft;
    if (j > first_hard_) {
      if (r.state != RunState::Waiting) end_run(r);
    } else if (r.hard) {
      first_hard_ = j;
    }
  }
  if (k < runs_.size()) return;
  // Every probe concluded with no hard match; a lingering one may still hear one.
  for (const Run& r : runs_) {
    if (r.state == RunState::Lingering) return;
  }
  finish(walk_soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::NoMatch, walk_soft_);
}

void PortProbes::finish(ServiceVerdict v, std::optional<ServiceMatch> match) {
  verdict_ = v;
  result_ = std::move(match);
  done_ = true;
  note("done: " + std::string(to_string(v)) + " after " + std::to_string(probes_sent_) + " probes");
}

ServiceOutcome PortProbes::outcome() const {
  ServiceOutcome o;
  o.target = target_;
  o.verdict = verdict_;
  if (verdict_ == ServiceVerdict::Matched || verdict_ == ServiceVerdict::SoftMatched) o.match = result_;
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
