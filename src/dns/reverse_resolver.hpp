#pragma once
// Reverse DNS of the hosts a scan reports, as nmap does it: a host's PTR
// lookup starts the moment the host is found up, so lookups run while the
// sweep goes on and the report waits only for the last few. Two backends:
// c-ares (default; --dns-servers or resolv.conf's servers, every lookup in
// flight at once on one thread) and the system resolver (--system-dns:
// getnameinfo() on a few worker threads, so nsswitch and /etc/hosts apply).
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "dns/name_book.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

struct ResolverOptions {
  bool system = false;               // --system-dns
  // --dns-servers; empty: /etc/resolv.conf's. c-ares's spelling, so
  // "127.0.0.1:5353" and "[::1]:5353" name a port (the CLI takes addresses only).
  std::vector<std::string> servers;
  // c-ares's per-try timeout and tries per server (a try's timeout doubles
  // each round, so one lookup with one server takes at most 1 + 2 s).
  std::chrono::milliseconds timeout{1000};
  int tries = 2;
  int system_threads = 4;
};

struct ResolverStats {
  uint64_t started = 0;    // distinct addresses asked for
  uint64_t named = 0;      // answered with a usable PTR name
  uint64_t given_up = 0;   // still out when finish() ran out of time
  double waited_s = 0;     // how long finish() waited
};

class ReverseResolver {
 public:
  virtual ~ReverseResolver() = default;
  // Starts the PTR lookup of `ip` (either family: in-addr.arpa or
  // ip6.arpa); a repeated address is ignored. Never waits on the network:
  // safe from the receive path, once per host.
  void lookup(const IpAddress& ip);
  // No more lookups: waits until each started one has its answer or `limit`
  // has passed, then gives up the rest. Called once.
  void finish(std::chrono::milliseconds limit);
  // PTR names found; complete after finish().
  const NameBook& names() const { return names_; }
  ResolverStats stats() const;

 protected:
  virtual void start(const IpAddress& ip) = 0;   // called under no lock, once per address
  // Waits for the lookups out until `deadline`; returns how many were given up.
  virtual uint64_t drain(std::chrono::steady_clock::time_point deadline) = 0;
  NameBook names_;

 private:
  mutable std::mutex mutex_;
  std::unordered_set<IpAddress> asked_;
  ResolverStats stats_;
  bool finished_ = false;
};

// Throws RuntimeFailure when c-ares cannot start (no usable resolv.conf).
std::unique_ptr<ReverseResolver> make_reverse_resolver(const ResolverOptions& options);

}  // namespace portsweep
