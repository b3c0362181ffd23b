#pragma once
// The version-detection engine: probes many open ports at once, each through
// its own PortProbes (several probes of a port side by side), over
// non-blocking sockets on one epoll loop. Ports come from a ServiceFeed, so
// detection can start while the sweep is still finding them. Matching a
// response against thousands of expressions is the costly part, so the
// responses that arrive together are matched together, on all cores when
// there are enough of them.
#include <atomic>
#include <functional>
#include <memory>
#include <span>

#include "detect/detect_options.hpp"
#include "detect/service_feed.hpp"
#include "detect/service_outcome.hpp"
#include "detect/service_probes.hpp"

namespace portsweep {

class VersionTrace;

struct ServiceScanStats {
  std::size_t ports = 0;        // sessions finished
  std::size_t matched = 0;
  std::size_t softmatched = 0;
  std::size_t tcpwrapped = 0;
  std::size_t no_match = 0;
  std::size_t incomplete = 0;
  std::size_t silent = 0;       // UDP: no datagram came back (not in no_match)
  std::size_t opened = 0;       // UDP: open|filtered ports a response proved open
  std::size_t connections = 0;  // TCP connections opened (UDP: sockets)
  std::size_t probes = 0;       // probes sent
  std::size_t matches = 0;      // responses matched against the database
  std::size_t match_batches = 0;
  double match_seconds = 0;     // wall time spent matching
  double seconds = 0;           // wall time of the whole run
  unsigned parallel = 0;        // at most at once: TCP connections, UDP ports
  bool interrupted = false;

  // One finished port in the tallies above.
  void count(const ServiceOutcome& o);
};

class ServiceScanner {
 public:
  using OnOutcome = std::function<void(const ServiceOutcome&)>;
  // Called every few seconds while ports are being probed.
  using OnProgress = std::function<void(std::size_t finished, std::size_t total)>;

  // `db` and `trace` must outlive the scanner.
  ServiceScanner(const ServiceProbeDb& db, DetectOptions options, VersionTrace* trace = nullptr);
  ~ServiceScanner();

  // Probes every target; `done` is called once per target, on this thread,
  // as each finishes. Returns early, leaving the rest unreported, when
  // `stop` becomes true. Throws RuntimeFailure when the event loop cannot
  // be set up.
  ServiceScanStats run(std::span<const ServiceTarget> targets, const OnOutcome& done,
                       const std::atomic<bool>* stop = nullptr, const OnProgress& progress = {});
  // The same over the ports `feed` hands over until it is closed and every
  // port is done. Progress totals are the ports pushed so far.
  ServiceScanStats run(ServiceFeed& feed, const OnOutcome& done, const std::atomic<bool>* stop = nullptr,
                       const OnProgress& progress = {});
  // Makes a run() on another thread return early, as `stop` does (within
  // 100 ms): the caller's other work failed.
  void abandon() { abandoned_ = true; }

 private:
  class Loop;
  const ServiceProbeDb& db_;
  DetectOptions options_;
  VersionTrace* trace_;
  std::atomic<bool> abandoned_{false};
};

}  // namespace portsweep
