#include "detect/udp_probe_session.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "detect/version_trace.hpp"

namespace portsweep {

namespace {

// Fields a softmatch found that the hard match leaves blank stay, as nmap
// keeps them; one CPE per part (a, h, o), the hard match's first.
ServiceMatch merged(const ServiceMatch& hard, const std::optional<ServiceMatch>& soft) {
  ServiceMatch r = hard;
  if (!soft) return r;
  auto keep = [](std::string& into, const std::string& from) {
    if (into.empty()) into = from;
  };
  keep(r.product, soft->product);
  keep(r.version, soft->version);
  keep(r.info, soft->info);
  keep(r.hostname, soft->hostname);
  keep(r.ostype, soft->ostype);
  keep(r.devicetype, soft->devicetype);
  for (const std::string& c : soft->cpe) {
    const std::string part = c.substr(0, 6);
    if (std::none_of(r.cpe.begin(), r.cpe.end(), [&](const std::string& x) { return x.rfind(part, 0) == 0; }))
      r.cpe.push_back(c);
  }
  return r;
}

}  // namespace

UdpProbeSession::UdpProbeSession(const ServiceProbeDb& db, const DetectOptions& options, ServiceTarget target,
                                 VersionTrace* trace)
    : db_(db), options_(options), target_(target), trace_(trace) {}

std::string_view UdpProbeSession::payload() const {
  return probe_ != nullptr ? std::string_view(probe_->payload) : std::string_view();
}

std::optional<std::string_view> UdpProbeSession::softmatched() const {
  if (!soft_) return std::nullopt;
  return std::string_view(soft_->service);
}

void UdpProbeSession::note(std::string_view what) const {
  if (trace_ != nullptr) trace_->line(target_, what);
}

UdpProbeSession::Next UdpProbeSession::start(Clock::time_point now) {
  order_ = db_.probe_order(target_.port, Proto::Udp, false, options_.intensity);
  next_ = 0;
  if (advance() == nullptr) {
    note("no UDP probe to send");
    return finish(ServiceVerdict::NoMatch);
  }
  return send_next(now);
}

const ServiceProbe* UdpProbeSession::advance() {
  const bool narrow = soft_ && options_.intensity < 9;
  probe_ = nullptr;
  while (next_ < order_.size()) {
    const ServiceProbe* p = order_[next_++];
    if (narrow && !p->may_identify(soft_->service)) continue;
    probe_ = p;
    break;
  }
  return probe_;
}

UdpProbeSession::Next UdpProbeSession::send_next(Clock::time_point now) {
  const std::chrono::milliseconds wait =
      options_.wait_cap ? std::min(probe_->total_wait, *options_.wait_cap) : probe_->total_wait;
  deadline_ = now + wait;
  response_.clear();
  match_due_ = false;
  sent_.push_back(probe_);
  note("sending probe " + probe_->name);
  return Next::Send;
}

void UdpProbeSession::on_datagram(std::string_view bytes) {
  if (done_) return;
  if (!answered_) note("response: the port is open");
  answered_ = true;
  const std::size_t room = kMaxResponse - std::min(kMaxResponse, response_.size());
  response_.append(bytes.substr(0, room));
  match_due_ = true;
}

UdpProbeSession::Next UdpProbeSession::on_match(std::optional<ServiceMatch> m, Clock::time_point now) {
  match_due_ = false;
  if (done_) return Next::Done;
  if (m && !m->soft) {
    note("match " + m->service + " (line " + std::to_string(m->line) + ") on probe " + probe_->name);
    hard_ = merged(*m, soft_);
    return finish(ServiceVerdict::Matched);
  }
  if (m && !soft_) {
    note("softmatch " + m->service + " (line " + std::to_string(m->line) + ") on probe " + probe_->name);
    soft_ = std::move(m);
  }
  // nmap reads on until the probe's wait is over, unless 4 KiB came already.
  if (response_.size() >= kMaxResponse) return on_timeout(now);
  return Next::Read;
}

UdpProbeSession::Next UdpProbeSession::on_timeout(Clock::time_point now) {
  if (done_) return Next::Done;
  if (advance() == nullptr) return finish(soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::NoMatch);
  return send_next(now);
}

UdpProbeSession::Next UdpProbeSession::on_error(Clock::time_point now, int error) {
  if (done_) return Next::Done;
  if (error == ECONNREFUSED) {
    // ICMP port unreachable: the probe is over, as for nmap; the next one goes.
    note("probe " + probe_->name + ": port unreachable");
    return on_timeout(now);
  }
  note(std::string("socket error: ") + std::strerror(error));
  return finish(soft_ ? ServiceVerdict::SoftMatched : ServiceVerdict::Incomplete);
}

UdpProbeSession::Next UdpProbeSession::finish(ServiceVerdict v) {
  verdict_ = v;
  done_ = true;
  match_due_ = false;
  note("done: " + std::string(to_string(v)) + " after " + std::to_string(sent_.size()) + " probes" +
       (answered_ ? "" : ", no response"));
  return Next::Done;
}

ServiceOutcome UdpProbeSession::outcome() const {
  ServiceOutcome o;
  o.target = target_;
  o.verdict = verdict_;
  if (verdict_ == ServiceVerdict::Matched) o.match = hard_;
  if (verdict_ == ServiceVerdict::SoftMatched) o.match = soft_;
  if (o.match && o.match->service.rfind("ssl/", 0) == 0) {
    // A DTLS answer named as its tunnel ("ssl/…"), as nmap strips it.
    o.match->service.erase(0, 4);
    o.tls = true;
  }
  o.probes_sent = static_cast<unsigned>(sent_.size());
  o.connections = 1;
  o.answered = answered_;
  return o;
}

}  // namespace portsweep
