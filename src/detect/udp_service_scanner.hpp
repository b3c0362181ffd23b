#pragma once
// Version detection of UDP ports (-sU -sV): every port runs a UdpProbeSession
// over its own connected, non-blocking UDP socket, all of them on one epoll
// loop, at most DetectOptions::max_parallel (and the open-file limit) at once.
// A connected socket takes only its peer's datagrams, and the kernel hands
// it the ICMP errors about them (ECONNREFUSED for port unreachable), so no
// raw socket or privilege is needed. Responses are few and short; they are
// matched on the loop's thread as they come.
#include <atomic>
#include <span>

#include "detect/detect_options.hpp"
#include "detect/service_scanner.hpp"

namespace portsweep {

class VersionTrace;

class UdpServiceScanner {
 public:
  // `db` and `trace` must outlive the scanner.
  UdpServiceScanner(const ServiceProbeDb& db, DetectOptions options, VersionTrace* trace = nullptr);

  // Probes every target (UDP ports); `done` once per target as each finishes.
  // Returns early when `stop` becomes true. Throws RuntimeFailure when the
  // event loop cannot be set up.
  ServiceScanStats run(std::span<const ServiceTarget> targets, const ServiceScanner::OnOutcome& done,
                       const std::atomic<bool>* stop = nullptr, const ServiceScanner::OnProgress& progress = {});
  // The same over the ports `feed` hands over until it is closed and every
  // port is done; `expected`, when known, bounds the sockets set up.
  ServiceScanStats run(ServiceFeed& feed, const ServiceScanner::OnOutcome& done, const std::atomic<bool>* stop,
                       const ServiceScanner::OnProgress& progress, std::size_t expected = 0);
  // Makes a run() on another thread return early, as `stop` does (within
  // 100 ms): the caller's other work failed.
  void abandon() { abandoned_ = true; }

 private:
  const ServiceProbeDb& db_;
  DetectOptions options_;
  VersionTrace* trace_;
  std::atomic<bool> abandoned_{false};
};

}  // namespace portsweep
