#pragma once
// The destination MAC of every target, resolved once before the sweep.
//
// A scan writes its own Ethernet headers, so it must know, for each target,
// which MAC the frame goes to: the gateway's for a routed target, the
// target's own for an on-link one, none for a target the scan cannot reach.
// resolve_next_hops() dumps the routes once and splits the targets by longest
// prefix (io/route_split.hpp), finds every gateway's and on-link target's MAC
// from one neighbour-table dump and one paced ARP sweep (io/arp_sweep.hpp),
// and packs the answer for the TX loop:
//
// - one next hop for every target (the routed case): mac_for() returns the
//   address of one stored MAC, no search, whatever the number of targets;
// - otherwise a binary search over the segments (a handful; one per route
//   the targets straddle), then for an on-link segment one 4-byte slot per
//   target into a table of the distinct MACs found: 256 KB for a /16.
//
// It opens its own AF_PACKET socket and must run before the packet I/O is
// opened (a kernel-bypass backend takes the interface from the kernel).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "io/arp_sweep.hpp"
#include "io/mac_addr.hpp"
#include "io/netlink_route.hpp"
#include "io/route_split.hpp"
#include "io/scan_path.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

// How many on-link targets one plan resolves by ARP: a /16. Bigger on-link
// target sets are refused before anything is sent.
inline constexpr uint64_t kMaxOnLinkTargets = uint64_t{1} << 16;

struct NextHopRequest {
  const TargetSet* targets = nullptr;  // must outlive the call only
  std::optional<std::string> iface;    // -e IFACE
  std::optional<uint32_t> src_ip;      // -S ADDR, host order
  ArpSweepOptions arp;                 // pacing, retries, timeout of the ARP sweep
  uint64_t max_on_link_targets = kMaxOnLinkTargets;
};

// An on-link target whose MAC was found.
struct OnLinkHost {
  enum class Source : uint8_t {
    ArpReply,        // answered our request: up, reason "arp-response"
    NeighbourTable,  // the kernel's entry was fresh (REACHABLE/PERMANENT): not asked
  };
  uint64_t target_index = 0;
  uint32_t address = 0;
  MacAddr mac;
  Source source = Source::ArpReply;
  int64_t reply_time_us = 0;  // ArpReply: when the answer came, microseconds since the epoch
  uint32_t latency_us = 0;    // ArpReply: since the last request to this address
};

// A MAC found for a gateway or an on-link target (plan_next_hops' input).
struct FoundMac {
  uint32_t address = 0;
  MacAddr mac;
  OnLinkHost::Source source = OnLinkHost::Source::ArpReply;
  int64_t reply_time_us = 0;
  uint32_t latency_us = 0;
};

struct NextHopCounts {
  uint64_t targets = 0;
  uint64_t via_gateway = 0;
  uint64_t on_link = 0;             // every on-link target, the four below together
  uint64_t on_link_answered = 0;    // answered ARP
  uint64_t on_link_known = 0;       // fresh in the kernel's neighbour table (or a link
                                    // without ARP): not asked
  uint64_t on_link_silent = 0;      // asked, no answer
  uint64_t on_link_not_asked = 0;   // the network or broadcast address of their link
  uint64_t unroutable = 0;
  uint32_t unroutable_example = 0;  // the first unroutable target
  Unroutable unroutable_why = Unroutable::None;  // ... and why it is unroutable
  uint32_t silent_example = 0;      // the first silent on-link target
  uint32_t not_asked_example = 0;   // the first network or broadcast address
  unsigned gateways = 0;            // distinct gateways used
  ArpSweepStats arp;                // the sweep's requests, answers and ignored frames
  unsigned arp_requests_per_address = 0;
  double route_split_us = 0;        // the split alone, dumps not included
  double arp_ms = 0;                // the ARP sweep, socket set-up included
  double total_ms = 0;              // the whole resolve, dumps and ARP included
};

class NextHopPlan {
 public:
  enum class Kind : uint8_t { Uniform, Segmented };

  // The destination MAC for the target at `target_index` (as in
  // TargetSet::at(); must be < the number of targets), or nullptr when the
  // scan cannot send to it (unroutable, or on-link and silent to ARP).
  // The pointer stays valid while the plan lives and is not assigned to.
  // Uniform: ~1 ns, no memory touched beyond the plan. Segmented: a binary
  // search over the segments and, on-link, one slot load: 6 ns measured for
  // an on-link /16 probed in scrambled order.
  const MacAddr* mac_for(uint64_t target_index) const noexcept {
    if (kind_ == Kind::Uniform) return uniform_sendable_ ? &uniform_mac_ : nullptr;
    return segmented_mac_for(target_index);
  }

  Kind kind() const noexcept { return kind_; }
  // Interface, source MAC and address, MTU for the packet I/O and the probes'
  // headers. next_hop_* are filled in only for a Uniform plan through a gateway.
  const ScanPath& path() const noexcept { return path_; }
  const NextHopCounts& counts() const noexcept { return counts_; }
  const std::vector<RouteSegment>& segments() const noexcept { return segments_; }
  // The on-link targets whose MAC was found, by target index.
  const std::vector<OnLinkHost>& on_link_hosts() const noexcept { return hosts_; }
  // Whether an on-link target was asked: false for its link's network and
  // broadcast addresses, and for targets that are not on-link.
  bool was_asked(uint64_t target_index) const noexcept;

  // Bytes the per-probe lookup holds (segments, slots, MAC table): what a
  // plan costs beyond its fixed size, for tests and --debug output.
  size_t lookup_bytes() const noexcept;

  // One line per category the user should hear about (unroutable targets,
  // silent on-link targets, network and broadcast addresses skipped), without
  // the "WARNING: " prefix; empty when every target has a MAC.
  std::vector<std::string> warnings() const;

 private:
  friend NextHopPlan plan_next_hops(const TargetSet&, std::vector<RouteSegment>, const ScanPath&,
                                    bool, std::span<const FoundMac>);
  friend NextHopPlan resolve_next_hops(const NextHopRequest&);

  // A run of target indexes with one decision; `ref` is an index into macs_
  // (Gateway, or OnLink on a link without ARP), a base into slots_ (OnLink),
  // or unused (Unroutable).
  struct Lookup {
    uint64_t first_index = 0;
    uint32_t ref = 0;
    uint8_t mode = 0;  // kNone, kMac, kSlots
  };
  static constexpr uint8_t kNone = 0, kMac = 1, kSlots = 2;
  // On-link slot values: below kFirstMac a state, else kFirstMac + index into macs_.
  static constexpr uint32_t kSilent = 0, kNotAsked = 1, kFirstMac = 2;

  const MacAddr* segmented_mac_for(uint64_t target_index) const noexcept;
  const Lookup* lookup_of(uint64_t target_index) const noexcept;

  Kind kind_ = Kind::Uniform;
  bool uniform_sendable_ = false;
  MacAddr uniform_mac_;
  std::vector<Lookup> lookups_;
  std::vector<uint32_t> slots_;
  std::vector<MacAddr> macs_;         // distinct MACs: gateways, then on-link hosts
  ScanPath path_;
  NextHopCounts counts_;
  std::vector<RouteSegment> segments_;
  std::vector<OnLinkHost> hosts_;
};

// Everything resolved from the kernel and the wire. Throws RuntimeFailure when
// no target can be routed, the interface is unusable, a gateway does not answer
// ARP, or the packet socket cannot be opened; UsageError when more than
// request.max_on_link_targets targets are on-link.
NextHopPlan resolve_next_hops(const NextHopRequest& request);

// The part of resolve_next_hops after the kernel and the wire have spoken, a
// pure function for tests: the plan from the segments (already restricted to
// the scan's interface), the path, and the MACs found for gateways and on-link
// targets (`found`, sorted by address; an on-link address missing from it was
// silent). uses_arp false (loopback, NOARP links): every routable target gets
// the all-zero MAC. Throws RuntimeFailure for a gateway missing from `found`.
NextHopPlan plan_next_hops(const TargetSet& targets, std::vector<RouteSegment> segments,
                           const ScanPath& path, bool uses_arp, std::span<const FoundMac> found);

}  // namespace portsweep
