#pragma once
// Version detection of one TCP port with its probes run side by side, and
// nmap's answer kept. Owns no socket: the driver (ServiceScanner) opens a
// connection for each probe launch() hands it, reports what happens on it,
// and asks settle() what the port amounts to. Keeping the sockets out makes
// every path testable with no network.
//
// Design note. nmap runs a port's probes one after another in
// db.probe_order() (NULL first, then the port's own, then by rarity), each
// waiting its whole totalwaitms for an answer; the first hard match wins,
// the first softmatch narrows the probes that follow. Run one after another,
// a silent port costs the sum of every wait (minutes), and a port that only
// answers the third probe costs two full waits. Here:
//  * Up to `lanes` probes of the port have connections at once (a "run"
//    each), launched in nmap's order.
//  * A run that hears nothing is *concluded* after its quiet wait: a few of
//    the port's measured round trips, at least DetectOptions::quiet_floor,
//    at most the probe's totalwaitms. Its lane is free then, but its
//    connection *lingers* to the full totalwaitms, so a late answer is still
//    read and matched.
//  * A server slower than that (busy workers, a queue) shows it: once a
//    probe of the port answered after a time T, every probe gets at least
//    kSlowAnswerFactor * T before it is concluded, and concluded ones that
//    have not had that long are waited for again.
//  * The NULL probe's connection, once its quiet wait is over, carries the
//    next probe, banner in front, as nmap's does: a server that gives each
//    connection a worker (dnsmasq's TCP children) is not left holding one
//    for a silent client.
//  * Lanes are earned, as TCP's congestion window is: a port starts with
//    one (the NULL probe, then what its connection carries), and doubles them, up to `lanes`,
//    each time one of its probes concludes having heard nothing in time (a
//    silent service, where only parallel waits help). A slow answer, or a
//    connect that timed out, drops the port to one lane for good: a busy
//    server (few workers, a full accept queue) gets nmap's one probe at a
//    time rather than more connections queued behind its work.
//  * Once some run has a hard match, the runs after it cannot be the answer:
//    they are closed and no later probe is launched (fewer connections held
//    on servers with few workers).
//  * settle() walks the runs in nmap's order, as nmap's loop would have met
//    them: a run's hard match is the port's answer once every earlier run has
//    concluded without one; the first softmatch in order fills what the hard
//    match leaves empty (combine_with_softmatch) and narrows the runs after
//    it (those that cannot name the service are closed). A late
//    hard match on a lingering run is found by the next walk, and wins over
//    anything after it, as long as the port is not decided yet.
//  * The port ends with no hard match only when every run is over (each
//    waited its totalwaitms or was closed): a silent port costs about one
//    longest wait, plus the launches' stagger.
// Where the answer can differ from nmap's: a port that answers an early probe
// only after its quiet wait while a later probe matches at once (the later
// match is accepted), and services that treat concurrent connections unlike
// one at a time. The NULL probe's connection carries the next probe after the
// quiet wait, not after nmap's whole banner wait, and probes after that get
// connections of their own (a banner still arrives in front of the reply).
//
// Cost: the walk is O(runs) (at most the database's probe count, ~190) per
// event of the port; matching a response is the costly part and is done by
// the driver in batches.
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

class PortProbes {
 public:
  using Clock = std::chrono::steady_clock;

  // A response longer than this is cut: every match line would rescan it.
  static constexpr std::size_t kMaxResponse = 64 * 1024;
  // How many times the port's slowest answer every probe waits at least.
  static constexpr int kSlowAnswerFactor = 2;

  enum class RunState : uint8_t {
    Waiting,     // not launched yet
    Connecting,  // the driver is connecting (TLS handshake included)
    Running,     // probe sent, within its quiet wait: holds a lane
    Lingering,   // quiet wait over (concluded), connection open to totalwaitms
    Over,        // its connection is closed or was never needed
  };

  // What the driver matches a run's response with.
  struct MatchRequest {
    const ServiceProbe* probe = nullptr;
    std::string_view response;
    std::optional<std::string_view> softmatched;  // only that service's lines count
  };

  PortProbes(const ServiceProbeDb& db, const DetectOptions& options, ServiceTarget target,
             VersionTrace* trace = nullptr);

  // Builds the probe order; done() at once when there is no probe to send.
  void start(Clock::time_point now);

  // The next run to open a connection for, or -1 when no lane is free or no
  // probe is left worth launching. The run is then Connecting.
  int launch(Clock::time_point now);

  // Runs are numbered within a generation; restarting inside TLS starts a
  // new one, and every connection of an older generation is to be closed.
  uint32_t generation() const { return generation_; }
  const ServiceTarget& target() const { return target_; }
  bool tls() const { return tls_; }
  std::size_t runs() const { return runs_.size(); }
  RunState state(int run) const { return runs_[run].state; }
  // False once the run's connection is of no more use: close it.
  bool wanted(int run) const;

  // The connection (and TLS handshake) of `run` is up: send payload(run).
  void on_connected(int run, Clock::time_point now);
  // Connecting failed with errno `error`: true when the driver should
  // connect again (a timeout, attempts left).
  bool on_connect_failed(int run, Clock::time_point now, int error);
  // The TLS handshake failed: the port speaks TLS (a probe said so) but not
  // in a way this client can join; it is reported as plain "ssl".
  void on_tls_failed(int run, Clock::time_point now);
  std::string_view payload(int run) const;
  // Bytes received on the run's connection.
  void on_data(int run, std::string_view bytes, Clock::time_point now);
  // Whether the run's response must be matched (new data, or the softmatch
  // it must be matched under changed); then match_request() and on_match().
  bool match_due(int run) const;
  MatchRequest match_request(int run);
  void on_match(int run, std::optional<ServiceMatch> m);
  // The peer closed or reset the run's connection (after its data was matched).
  void on_closed(int run, Clock::time_point now);
  // deadline(run) passed (after any due match).
  void on_deadline(int run, Clock::time_point now);
  // After on_deadline(run): the run whose probe the driver now sends on
  // run's connection (the NULL probe's connection carries the next probe,
  // as in nmap), or -1.
  int take_handover(int run);
  // The run's next wait end: its quiet wait while Running, its totalwaitms
  // while Lingering.
  Clock::time_point deadline(int run) const;

  // Walks the runs in nmap's order and decides the port when it can; call
  // after every batch of events. Afterwards the driver closes the
  // connections of runs no longer wanted (narrowed away, or of an older
  // generation) and launches what launch() offers.
  void settle(Clock::time_point now);
  bool done() const { return done_; }
  ServiceOutcome outcome() const;

  // Runs holding a lane (Connecting or Running), and the lanes the port
  // has earned so far.
  std::size_t busy() const { return busy_; }
  unsigned lanes() const { return lanes_; }
  // The quiet wait a probe gets now: from the port's round trips.
  std::chrono::milliseconds quiet_wait(const ServiceProbe& p) const;

 private:
  struct Run {
    const ServiceProbe* probe = nullptr;
    RunState state = RunState::Waiting;
    std::string response;
    std::optional<ServiceMatch> soft;  // its first softmatch
    std::optional<ServiceMatch> hard;
    std::string matched_under;         // the softmatch its matches were made under ("" none)
    std::string pending_under;         // the same, for the match being made
    std::string walk_under;            // the walk's softmatch before it ("" none)
    bool match_due = false;
    bool wrapped = false;  // NULL probe closed with no data within tcpwrappedms
    bool failed = false;   // connecting gave up
    int connect_failures = 0;
    Clock::time_point connect_started{};
    Clock::time_point sent{};
    Clock::time_point quiet_until{};
    Clock::time_point linger_until{};
    bool answered = false;  // some data came
  };
  // When the run is concluded if it hears nothing: its quiet wait, or the
  // port's slowest answer times kSlowAnswerFactor, within totalwaitms.
  Clock::time_point quiet_deadline(const Run& r) const;

  std::chrono::milliseconds wait_of(const ServiceProbe& p) const;
  std::chrono::milliseconds tcpwrapped_of(const ServiceProbe& p) const;
  void build_runs();
  // The softmatch a run's response is matched under: the walk's softmatch
  // before it, else its own.
  const std::string& context_of(const Run& r) const;
  // Whether the probe is worth its connection after the softmatch `soft`.
  bool eligible(const Run& r, const std::string& soft) const;
  void release_lane(Run& r);
  // The NULL probe's quiet wait is over: its connection carries the next
  // probe worth sending. False when there is none.
  bool hand_over(int run, Clock::time_point now);
  // The server is slow: one lane from now on.
  void slow();
  void end_run(Run& r);
  // `match`: what is reported for Matched and SoftMatched.
  void finish(ServiceVerdict v, std::optional<ServiceMatch> match = std::nullopt);
  void restart_in_tls(const ServiceMatch& ssl, const ServiceProbe& by);
  void note(std::string_view what) const;

  const ServiceProbeDb& db_;
  const DetectOptions& options_;
  ServiceTarget target_;
  VersionTrace* trace_;

  std::vector<Run> runs_;
  std::size_t next_launch_ = 0;  // no run before it is Waiting and eligible
  std::size_t busy_ = 0;
  unsigned lanes_ = 2;          // earned, at most options_.lanes
  bool slow_server_ = false;    // a slow answer or a timed-out connect: one lane for good
  uint32_t generation_ = 0;
  int handed_from_ = -1;  // take_handover()'s answer
  int handed_to_ = -1;
  // The last walk's first softmatch.
  std::optional<ServiceMatch> walk_soft_;
  std::optional<ServiceMatch> result_;     // what is reported, set by finish()
  std::optional<ServiceMatch> ssl_match_;  // the cleartext match that started TLS
  // Smoothed connect round trip of the port, from its connections.
  std::optional<Clock::duration> srtt_;
  // The longest a probe of the port took to answer (send to first byte).
  Clock::duration slowest_answer_{};
  // The first run in order with a hard match, or runs_.size().
  std::size_t first_hard_ = 0;
  ServiceVerdict verdict_ = ServiceVerdict::NoMatch;
  unsigned probes_sent_ = 0;
  unsigned connections_ = 0;
  bool tls_ = false;
  bool done_ = false;
};

}  // namespace portsweep
