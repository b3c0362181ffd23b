#pragma once
// Host discovery before the port sweep: which targets are up.
//
// On-link targets that answered the next-hop plan's ARP sweep (or, for
// IPv6, its neighbour solicitations) are up already (nmap's -PR). Every other target gets the plan's IP probes in one
// stateless sweep — the same engine, permutation and cookies as the port
// sweep, with several probe types of one protocol side by side — whose
// retry pass goes only to addresses that have answered nothing yet. Each
// host is reported to the outputs the moment its first answer arrives
// (XML <hosthint>, a JSON line), with that answer's reason and, where the
// probe carries its send time back (ICMP echo and timestamp), its round
// trip.
//
// The pipeline: when a port sweep follows (`hand_off`), discovery does not
// wait out its cooldown. Once a host is up and the replies have had a few
// round trips to come in, it hands over: the port sweep of the hosts found
// so far starts, and keeps reading discovery's late answers (the trailing
// stage: discovery's probes carry a cookie key of their own, so neither
// stage takes the other's replies); the hosts those reveal get a second
// round of the port sweep. The cost: a late host waits for round 0 to end.
#include <atomic>
#include <ostream>
#include <span>
#include <vector>

#include "cli/discovery_plan.hpp"
#include "cli/sweep_hops.hpp"
#include "engine/host_bitmap.hpp"
#include "engine/sweep.hpp"
#include "engine/sweep_targets.hpp"
#include "io/next_hop_plan.hpp"
#include "output/output_set.hpp"

namespace portsweep {

struct DiscoveryOutcome {
  HostBitmap up;              // by target index
  std::vector<HostUp> hosts;  // the same hosts, in the order found
  SweepReport report;         // of the IP probes' sweep (empty when none ran)
  bool ran_sweep = false;
};

// The cookie-key stage number of discovery's probes (stage_cookie_key).
inline constexpr uint32_t kDiscoveryStage = 1;

// `base` is the port sweep's configuration (targets, addresses, rate,
// threads, retries, next hops); its scans are replaced by the plan's probes.
// `hand_off`: a port sweep follows and will read the late answers.
DiscoveryOutcome discover_hosts(const SweepConfig& base, const DiscoveryPlan& plan, const SweepHops& next_hops,
                                PacketIo& io, OutputSet& outputs, const SweepHooks& hooks,
                                const std::atomic<bool>& interrupt, bool hand_off);

// Discovery's answers: each host not yet in `up` (by target index) is set
// there (and in `also`, when given), appended to `hosts` and reported to
// `outputs`; answers that do not say a host is up are skipped.
void note_hosts_up(std::span<const PortResult> batch, const SweepTargets& targets, HostBitmap& up,
                   std::vector<HostUp>& hosts, OutputSet& outputs, HostBitmap* also);

// Makes `port_sweep` read discovery's late answers (the trailing stage).
void trail_discovery(SweepConfig& port_sweep, const DiscoveryPlan& plan);

// "portsweep: host discovery: N of M hosts up (K by ARP); P probes in T s".
void print_discovery_summary(const DiscoveryOutcome& found, const std::vector<HostUp>& hosts, uint64_t targets,
                             std::ostream& err);

// -Pn: every target is up (reason user-set), answered or not, except those
// `sendable` refuses (on-link and silent to ARP: nothing reaches them).
// Past kMaxListedUnansweredHosts targets only the hosts that answer are
// listed, and a warning says so.
inline constexpr uint64_t kMaxListedUnansweredHosts = uint64_t{1} << 18;
void declare_targets_up(const SweepTargets& targets, const SweepHops* sendable, OutputSet& outputs, std::ostream& err);

// The bitmap of `hosts` (a resume file's) over `targets`; throws UsageError
// naming `origin` for an address that is not a target.
HostBitmap up_hosts_bitmap(const SweepTargets& targets, const std::vector<HostUp>& hosts, const std::string& origin);

}  // namespace portsweep
