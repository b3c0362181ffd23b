#pragma once
// -sT, the connect scan: the kernel's own TCP connect() over thousands of
// non-blocking sockets on one epoll set. It needs no privilege and no packet
// I/O, so it is what an unprivileged user gets (as with nmap).
//
// The kernel does the handshake, so a probe is a socket: connected -> open
// ("syn-ack"), refused -> closed ("conn-refused"; an ICMP port unreachable
// reads the same, as it does for nmap -sT), an ICMP error the kernel reports
// (EHOSTUNREACH, ENETUNREACH, ...) -> filtered with that reason, no answer
// within the timeout -> retried, then filtered (not reported one by one, as
// for the stateless sweep: the outputs count it). Every socket has SO_LINGER
// 0, so closing it sends a RST and leaves no TIME_WAIT behind.
//
// Cost: a socket, a connect and a close per probe, ~10-20 µs of kernel time;
// concurrency, not CPU, bounds the rate against silent targets.
#include <atomic>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "portsweep/result.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

struct ConnectScanConfig {
  const TargetSet* targets = nullptr;
  std::vector<uint16_t> ports;
  double rate = 0;               // connect() calls per second (retries included); <= 0: unpaced
  unsigned max_parallel = 4096;  // sockets in flight at most (also bounded by RLIMIT_NOFILE)
  int timeout_ms = 1000;         // per attempt: nmap's initial RTT timeout
  int max_retries = 1;           // attempts after the first for a probe that timed out
  // --host-timeout: the scan stops this many seconds after it began; 0:
  // never. The hosts with a port still undecided then are the report's
  // skipped_hosts (every host goes on at once, ports in turn).
  double deadline_seconds = 0;
};

struct ConnectScanHooks {
  std::function<void(std::span<const PortResult>)> on_results;  // called on the calling thread
  std::function<void()> on_tick;                                  // ~every 100 ms
  std::ostream* progress = nullptr;                               // a line every few seconds; null for none
  double progress_every_s = 5;                                    // --stats-every
};

struct ConnectScanReport {
  uint64_t probes = 0;       // (target, port) pairs in the scan
  uint64_t finished = 0;     // of those, decided (a result or a last timeout)
  uint64_t connects = 0;     // connect() calls, retries included
  uint64_t open = 0, closed = 0, filtered = 0;  // filtered: by an error the kernel reported
  uint64_t timeouts = 0;     // attempts that got no answer in time
  unsigned parallel_limit = 0;  // the bound in force (after RLIMIT_NOFILE)
  unsigned peak_in_flight = 0;
  double seconds = 0;
  bool interrupted = false;
  bool timed_out = false;    // deadline_seconds came first
  std::vector<uint32_t> skipped_hosts;  // then: the hosts not finished (addresses, ascending)
  std::string error;         // why the scan stopped early, other than an interrupt
};

// What a finished connect() means: the errno from SO_ERROR (0: connected).
struct ConnectVerdict {
  PortState state = PortState::Filtered;
  Reason reason = Reason::NoResponse;
  bool retry = false;  // no answer (timeout): worth another attempt
};
ConnectVerdict connect_verdict(int error) noexcept;

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the soft
// limit now in force.
uint64_t raise_open_file_limit() noexcept;

// Runs the scan to completion, or until `interrupt` becomes true (sockets
// in flight are closed, their probes left unreported). Throws
// RuntimeFailure only when no epoll set can be made.
ConnectScanReport run_connect_scan(const ConnectScanConfig& config, const ConnectScanHooks& hooks,
                                   const std::atomic<bool>& interrupt);

}  // namespace portsweep
