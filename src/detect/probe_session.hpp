#pragma once
// Version detection of one port, as nmap does it, written as a state machine
// that owns no socket: the driver (ServiceScanner) performs the I/O, reports
// what happened, and is told what to do next. Keeping the sockets out makes
// every path of the algorithm testable with no network.
//
// The algorithm:
//  * Probes run in db.probe_order(): the NULL probe (connect, send nothing,
//    wait for a banner), then the probes registered for the port, then the
//    rest up to the intensity. Each probe gets a connection of its own,
//    except that the probe after the NULL probe reuses the NULL probe's
//    connection when it is still open, with the banner kept in front of its
//    response.
//  * Every read re-matches the whole response; a hard match ends the port.
//    A softmatch is remembered, probing goes on, and later probes that
//    cannot name the softmatched service are skipped (not at intensity 9).
//  * A response matching "ssl" in clear text starts the probes over inside
//    TLS; the port is then reported as ssl/<service>.
//  * A peer that closes the NULL probe's connection before sending anything,
//    within the probe's tcpwrappedms, is tcpwrapped.
#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detect/detect_options.hpp"
#include "detect/service_outcome.hpp"
#include "detect/service_probes.hpp"

namespace portsweep {

class VersionTrace;

class ProbeSession {
 public:
  using Clock = std::chrono::steady_clock;

  // What the driver does next.
  enum class Next : uint8_t {
    Connect,  // close any connection, open a new one (TLS when tls()), then on_connected()
    Send,     // send payload() on the open connection, then read until deadline()
    Read,     // keep reading until deadline()
    Done,     // close any connection; outcome() is final
  };

  // A response longer than this is cut: every match line would rescan it.
  static constexpr std::size_t kMaxResponse = 64 * 1024;

  ProbeSession(const ServiceProbeDb& db, const DetectOptions& options, ServiceTarget target,
               VersionTrace* trace = nullptr);

  // Connect (to send the first probe), or Done when there is no probe.
  Next start(Clock::time_point now);
  // The connection (and TLS handshake) is up: Send.
  Next on_connected(Clock::time_point now);
  // Connecting failed (errno `error`): Connect again (a timeout, while
  // attempts are left) or give up.
  Next on_connect_failed(Clock::time_point now, int error);
  // Bytes received for the current probe; call match_due() after a batch.
  void on_data(std::string_view bytes);
  // Whether data arrived since the last on_match(): the driver must then
  // match response() (db.match(*probe(), response(), softmatched())).
  bool match_due() const { return match_due_ && !done_; }
  Next on_match(std::optional<ServiceMatch> m, Clock::time_point now);
  // The peer closed or reset the connection (after any data was matched).
  Next on_closed(Clock::time_point now);
  // deadline() passed with no hard match (after any data was matched).
  Next on_timeout(Clock::time_point now);
  // The TLS handshake failed: the port speaks TLS (a probe said so) but not
  // in a way this client can join; it is reported as plain "ssl".
  Next on_tls_failed(Clock::time_point now);

  const ServiceTarget& target() const { return target_; }
  const ServiceProbe* probe() const { return probe_; }
  std::string_view payload() const;
  std::string_view response() const { return response_; }
  std::optional<std::string_view> softmatched() const;
  bool tls() const { return tls_; }
  bool done() const { return done_; }
  unsigned probes_sent() const { return probes_sent_; }
  // When the current probe gives up waiting for its response.
  Clock::time_point deadline() const { return deadline_; }
  // How long a connection may take to come up (TLS handshake included).
  std::chrono::milliseconds connect_timeout() const;
  ServiceOutcome outcome() const;

 private:
  std::chrono::milliseconds wait_of(const ServiceProbe& p) const;
  std::chrono::milliseconds tcpwrapped_of(const ServiceProbe& p) const;
  // Moves to the next probe worth sending; nullptr when none is left.
  const ServiceProbe* advance();
  Next connect_next(Clock::time_point now);
  Next finish(ServiceVerdict v);
  // Records a match's fields over those of earlier matches, as nmap does:
  // a field the new match leaves blank keeps its old value (a softmatch's
  // hostname survives the hard match), and one CPE is kept per part
  // (application, hardware, OS).
  void absorb(const ServiceMatch& m);
  void note(std::string_view what) const;

  const ServiceProbeDb& db_;
  const DetectOptions& options_;
  ServiceTarget target_;
  VersionTrace* trace_;

  std::vector<const ServiceProbe*> order_;
  std::size_t next_ = 0;  // index in order_ of the probe after probe_
  const ServiceProbe* probe_ = nullptr;
  std::string response_;
  std::optional<ServiceMatch> soft_;       // the first softmatch: narrows the probes
  std::optional<ServiceMatch> merged_;     // what is reported: every match absorbed
  std::array<std::string, 3> cpe_parts_;   // cpe:/a, cpe:/h, cpe:/o of merged_
  std::optional<ServiceMatch> ssl_match_;  // the cleartext match that started TLS
  Clock::time_point probe_started_{};
  Clock::time_point deadline_{};
  ServiceVerdict verdict_ = ServiceVerdict::NoMatch;
  int connect_failures_ = 0;  // in a row, for the current probe
  unsigned probes_sent_ = 0;
  unsigned connections_ = 0;
  bool tls_ = false;
  bool connected_ = false;
  bool match_due_ = false;
  bool done_ = false;
};

}  // namespace portsweep
