#pragma once
// Version detection of one UDP port, as nmap does it, as a state machine that
// owns no socket (the driver, UdpServiceScanner, does the I/O), so every path
// is testable on a fake clock.
//
// nmap's rules for UDP, which differ from TCP's:
//  * There is no NULL probe: a UDP service says nothing until asked. The
//    probes run in db.probe_order(port, Udp): first, in file order, every UDP
//    probe whose `ports` list names the port (whatever its rarity), then the
//    other UDP probes of rarity <= the intensity; a softmatch narrows the
//    rest to probes that can name the softmatched service (not at 9).
//  * All of a port's probes share one connected socket. Each probe is sent
//    once (no retransmission) and owns what arrives for its `totalwaitms`
//    (capped by -T4/-T5): the datagrams are appended into one response, which
//    is matched again after each one against the probe's lines and its
//    fallbacks' (never the TCP NULL probe's). A hard match ends the port; a
//    softmatch or no match waits out the probe (or until 4 KiB arrived),
//    then the next probe goes.
//  * Any datagram at all proves the port open (reason udp-response): a port
//    the sweep left open|filtered becomes open even when nothing matches.
//  * ICMP port unreachable (ECONNREFUSED on the connected socket) ends only
//    the current probe, as in nmap; host or network unreachable ends the port
//    unfinished.
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

class UdpProbeSession {
 public:
  using Clock = std::chrono::steady_clock;

  enum class Next : uint8_t {
    Send,  // send payload() on the port's socket, then read until deadline()
    Read,  // keep reading until deadline()
    Done,  // close the socket; outcome() is final
  };

  // nmap stops waiting for more of a response past this many bytes.
  static constexpr std::size_t kMaxResponse = 4096;

  UdpProbeSession(const ServiceProbeDb& db, const DetectOptions& options, ServiceTarget target,
                  VersionTrace* trace = nullptr);

  // Send the first probe, or Done when the intensity leaves none.
  Next start(Clock::time_point now);
  // A datagram arrived; match_due() is then true.
  void on_datagram(std::string_view bytes);
  bool match_due() const { return match_due_ && !done_; }
  // The driver matched response() (db.match(*probe(), response(), softmatched())).
  Next on_match(std::optional<ServiceMatch> m, Clock::time_point now);
  // deadline() passed with no hard match: the next probe, or Done.
  Next on_timeout(Clock::time_point now);
  // The socket reported an error (errno): ECONNREFUSED moves on to the next
  // probe; anything else ends the port unfinished.
  Next on_error(Clock::time_point now, int error);

  const ServiceTarget& target() const { return target_; }
  const ServiceProbe* probe() const { return probe_; }
  std::string_view payload() const;
  std::string_view response() const { return response_; }
  std::optional<std::string_view> softmatched() const;
  Clock::time_point deadline() const { return deadline_; }
  bool done() const { return done_; }
  // Whether any datagram came back from the port.
  bool answered() const { return answered_; }
  // The probes sent so far, by name, in order (for tests and the trace).
  const std::vector<const ServiceProbe*>& sent() const { return sent_; }
  ServiceOutcome outcome() const;

 private:
  const ServiceProbe* advance();
  Next send_next(Clock::time_point now);
  Next finish(ServiceVerdict v);
  void note(std::string_view what) const;

  const ServiceProbeDb& db_;
  const DetectOptions& options_;
  ServiceTarget target_;
  VersionTrace* trace_;

  std::vector<const ServiceProbe*> order_;
  std::size_t next_ = 0;
  const ServiceProbe* probe_ = nullptr;
  std::vector<const ServiceProbe*> sent_;
  std::string response_;
  std::optional<ServiceMatch> soft_;
  std::optional<ServiceMatch> hard_;
  Clock::time_point deadline_{};
  ServiceVerdict verdict_ = ServiceVerdict::NoMatch;
  bool answered_ = false;
  bool match_due_ = false;
  bool done_ = false;
};

}  // namespace portsweep
