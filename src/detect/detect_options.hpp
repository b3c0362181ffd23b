#pragma once
// How version detection (-sV) runs: how hard it tries (intensity), how long
// it waits, how many connections it keeps open at once.
#include <chrono>
#include <optional>

namespace portsweep {

struct DetectOptions {
  // --version-intensity: probes of rarity above this are skipped, except
  // those registered for the port. --version-light is 2, --version-all 9;
  // at 9 a softmatch no longer narrows the probes either, as in nmap.
  int intensity = 7;
  // --version-trace: one line per probe sent, match and verdict on stderr.
  bool trace = false;
  // --allports: probe the ports the database's Exclude directive lists too.
  bool all_ports = false;
  // Redo the probes inside TLS when a response says the port speaks TLS.
  bool tls = true;

  // Upper bound on each probe's wait (the database's totalwaitms, 6 s for
  // the banner wait); unset means the database's values stand.
  std::optional<std::chrono::milliseconds> wait_cap;
  // Time to establish a TCP connection, and a TLS one including its handshake.
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds tls_connect_timeout{8000};
  // A connection that times out is tried again this many times in all: a
  // server with a full accept queue drops SYNs rather than refusing them.
  int connect_attempts = 3;
  // A port's probes with connections at once (--version-parallel): they run
  // side by side, nmap's order deciding which match counts (PortProbes).
  unsigned lanes = 8;
  // The lanes a port starts with; it earns more while its probes go
  // unanswered in time, and drops to one on a slow answer (PortProbes).
  unsigned first_lanes = 1;
  // A probe that has heard nothing is concluded after its quiet wait:
  // quiet_rtts times the port's measured connect round trip, at least
  // quiet_floor, at most its totalwaitms. Its connection stays open to the
  // full totalwaitms for a late answer. The floor covers servers that think
  // before they answer (a banner after a reverse lookup, a TLS handshake).
  std::chrono::milliseconds quiet_floor{250};
  unsigned quiet_rtts = 8;

  // Connections open at once, over every port (a probe that has concluded
  // but still listens holds one too); also bounded by the open-file limit. --max-parallelism lowers it for servers that
  // answer for many addresses at once with few workers: each banner wait
  // holds a worker for seconds, and a probe queued behind them goes
  // unanswered, which no client-side signal tells from a silent service.
  unsigned max_parallel = 4096;
  // Match a batch of responses on all cores (oneTBB) rather than on the
  // event loop's thread alone.
  bool parallel_match = true;

  // The defaults of nmap's timing template -T0..-T5: -T4 and -T5 shorten the
  // waits, since a banner slower than a few seconds is rare on the networks
  // those templates are meant for.
  static DetectOptions for_timing(int level);
};

}  // namespace portsweep
