#pragma once
// -b, the FTP bounce scan: an FTP server connects to each (target, port) for
// us. For each port the control connection sends "PORT a,b,c,d,p1,p2" (the
// target's address and port) and then "LIST"; the server opens its data
// connection to the target, and its replies say what happened. The targets
// see only the FTP server.
//
// States, as nmap 7.93 reads the replies (nmap_ftp.cc's bounce_scan):
//   LIST -> 1xx (150/125) then 2xx (226)       open (the server reached the port)
//   LIST -> 2xx at once                        open
//   LIST -> 1xx then 426 or any other non-2xx  closed
//   LIST -> 425 or any other non-1xx/2xx       closed (the server could not connect)
//   LIST -> nothing within 12 s                filtered
//   LIST -> 1xx, then nothing within 10 s      filtered
// and every state's reason is nmap's default, "no-response": nmap's -b never
// sets one. A 5xx to PORT for a port below 1024 means the server refuses
// privileged ports: those are skipped (left unreported, as nmap leaves them);
// for any other port it means the server refuses to relay to a third party
// (vsftpd without port_promiscuous answers "500 Illegal PORT command."), and
// the scan stops saying so. vsftpd accepts PORT to a privileged port and
// refuses at LIST instead ("500 OOPS: ...", then it hangs up); nmap reads
// that as closed and then loses its session, portsweep as the same refusal
// (until a privileged port was once relayed): skipped, with one warning. Unlike nmap, a timeout closes the control
// connection and opens a new one: the server is still busy with the stuck
// LIST, so its next replies would belong to the wrong command.
//
// Design: up to `max_parallel` control connections (default 8), each served
// by a thread of its own with blocking logic over poll() deadlines — one FTP
// session is a strict command/reply sequence, so a thread per session reads
// as the protocol does; an event loop would buy nothing at eight sessions.
// The threads take (target, port) probes from one shared queue; results go
// back through a mutex to the calling thread, which alone touches the
// outputs. The first session logs in before the others start, so bad
// credentials or a refusing server give one error, not eight. A 421 ("too
// many connections") or a refused connect while other sessions are up
// retires that session: parallelism shrinks to what the server allows. A
// dropped control connection is reopened (at most `max_reconnects` times in
// a row per session) and its probe retried (at most 3 attempts).
//
// The FTP server is as untrusted as any peer: a reply line over 2048 bytes,
// a reply that does not start with a three-digit code, a multi-line reply
// over 256 lines, or one that never ends within its deadline is an error
// on that session (reconnect, then one clear line), never a crash.
//
// Cost: two commands and two or three replies per port, one round trip to
// the FTP server each plus the server's own connect to the target; a
// closed or open port takes a few milliseconds on a LAN, a filtered one
// the full 12 s (nmap's bound), which the parallel sessions overlap.
#include <atomic>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

// -b's value, [USER[:PASS]@]SERVER[:PORT], read as nmap reads it: the last
// '@' ends the credentials, the first ':' in them ends the user name, a ':'
// after the server starts the port.
struct FtpRelay {
  std::string user = "anonymous";
  std::string password = "-wwwuser@";  // nmap's default
  std::string server;
  uint16_t port = 21;
};

// Throws UsageError (one line naming the value and what was expected).
FtpRelay parse_ftp_relay(std::string_view spec);

// The server's IPv4 address (host byte order): a dotted quad, or a name the
// resolver knows. Throws UsageError when it resolves to none.
uint32_t resolve_ftp_relay(const FtpRelay& relay);

struct FtpBounceConfig {
  FtpRelay relay;
  uint32_t relay_ip = 0;  // host byte order
  const TargetSet* targets = nullptr;
  std::vector<uint16_t> ports;
  unsigned max_parallel = 8;  // control connections at most
  // nmap's bounds where it has them.
  int connect_timeout_ms = 10'000;  // TCP connect to the FTP server
  int login_timeout_ms = 12'000;    // each reply of the greeting and login
  int port_timeout_ms = 15'000;     // PORT's reply
  int list_timeout_ms = 12'000;     // LIST's first reply: none -> filtered
  int transfer_timeout_ms = 10'000; // the final reply after a 1xx: none -> filtered
  int max_reconnects = 3;           // failed sessions in a row before a connection gives up
  int max_attempts = 3;             // tries of one probe whose session broke
};

struct FtpBounceHooks {
  std::function<void(std::span<const PortResult>)> on_results;  // on the calling thread
  std::function<void()> on_tick;                                  // ~every 100 ms, on the calling thread
  std::ostream* progress = nullptr;                               // a line every few seconds; null for none
  double progress_every_s = 5;                                    // --stats-every
};

struct FtpBounceReport {
  uint64_t probes = 0;      // (target, port) pairs
  uint64_t finished = 0;    // decided or skipped
  uint64_t open = 0, closed = 0, filtered = 0;  // filtered: timeouts, left unreported as nmap's no-response
  uint64_t skipped = 0;     // privileged ports the server refuses to connect to
  uint64_t logins = 0;      // sessions logged in (reconnects included)
  uint64_t reconnects = 0;  // sessions reopened after a drop or a timeout
  unsigned parallel_limit = 0;  // sessions asked for
  unsigned peak_sessions = 0;   // logged in at once, at most
  unsigned retired = 0;         // sessions given up because the server allows fewer
  double seconds = 0;
  bool interrupted = false;
  std::string error;                 // why the scan stopped early, other than an interrupt
  std::vector<std::string> warnings; // one line each, e.g. privileged ports skipped
};

// One FTP reply: its code and its first line's text (after the code).
struct FtpReply {
  int code = 0;
  std::string text;
};

// nmap's reading of LIST's replies: `first` is LIST's reply, `final` the one
// after a 1xx (ignored otherwise). Open or Closed.
PortState bounce_list_state(int first, int final) noexcept;

// Runs the scan to completion, until `interrupt` becomes true, or until the
// server makes it impossible (report.error says why).
FtpBounceReport run_ftp_bounce_scan(const FtpBounceConfig& config, const FtpBounceHooks& hooks,
                                    const std::atomic<bool>& interrupt);

}  // namespace portsweep
