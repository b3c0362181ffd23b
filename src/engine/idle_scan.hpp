#pragma once
// -sI, the idle scan: the target's ports are probed with SYNs that claim to
// come from a third host, the zombie, and the answers are read from the
// zombie's IP ID counter. Nothing reaches the target from our address.
//
// Design note. A zombie whose IP ID is one global counter spends one ID per
// packet it sends. An open port answers a spoofed SYN with a SYN-ACK to the
// zombie, which resets it (one ID); a closed port's RST and a filtered
// port's silence cost the zombie nothing. So for a group of ports:
//   read the IP ID (a SYN-ACK to ZOMBIE:PROBEPORT, its RST carries it),
//   send one spoofed SYN per port, wait, read the IP ID again;
// the distance minus our own reads counts the open ports in the group.
//
// 1. Qualify the zombie: six reads back to back (their steps show its
//    class: little of its own traffic fits between them). No reply, IDs all
//    zero, constant or random (per the classes below) -> refused, one line.
//    The reads give the round trip (srtt/rttvar, as TCP's RFC 6298); one
//    more read after a quiet 250 ms gives the zombie's own traffic, IDs
//    spent beyond our reads per second. Expecting >= 0.5 of them in one
//    count (its wait plus two round trips) -> refused as not idle.
// 2. Spoofing test: four SYN-ACKs "from" the first target to the zombie,
//    then a read. Each makes the zombie send a RST to that target; if the
//    counter moved only by our read, the zombie keeps an IP ID per peer, or
//    spoofed packets do not get through: refused.
// 3. Scan, one target at a time, its ports in groups: count the group; 0 ->
//    every port closed|filtered; on a quiet zombie, a count equal to the
//    group's size -> all open; otherwise split it in halves and
//    count each, down to single ports (a binary search: ~2 log2(G) counts
//    per open port). When the halves' totals disagree with their parent's
//    count, the halves decided by one count are counted again and the
//    disagreement steers the pace: fewer found than counted -> the zombie
//    is not idle (phantom IDs): smaller groups; more found -> replies came
//    late or were lost: a longer wait and smaller groups; agreement -> the
//    groups grow (x1.1) and the wait shrinks back toward its floor. A count
//    outside 0..group size is retried after a pause (ten times, then the
//    scan stops: the zombie's counter no longer means anything).
//
//    On a zombie whose own traffic is expected to spend >= 0.02 IDs per
//    count, each count reads a fresh base just before its SYNs (otherwise
//    the previous count's reading is the base), and a single port found
//    open is counted again (k more times, k so that a foreign ID in every
//    one of k+1 counts is less likely than 1 in 1000) before it is believed.
//
// Cost: a count is one burst of G spoofed SYNs plus one IP ID read (two
// when fresh) and a wait of max(floor, 2*srtt + 4*rttvar) -- 10 ms at the
// default floor (-T3) on a LAN. A group with no open port costs one count;
// each open port ~2 log2(G) more. The frames are written into buffers made
// once; the loops allocate nothing per packet.
//
// The IP ID sequence classes (16-bit IDs, differences modulo 2^16):
//   incremental         every step 1..2000
//   incremental by 2    every step even, the smallest 2 (old Windows); counts halve
//   broken incremental  byte-swapped IDs step 1..2000, read as they come
//                       they step by multiples of 256 (little-endian stacks)
//   all zero, constant, random (anything else)    unusable
#include <atomic>
#include <cstdint>
#include <functional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/packet_io.hpp"
#include "portsweep/result.hpp"
#include "probes/probe_config.hpp"
#include "targets/target_set.hpp"

namespace portsweep {

class PacketTracer;

enum class IpidClass : uint8_t { Incremental, IncrementalBy2, BrokenIncremental, AllZero, Constant, Random, NoReply };

std::string_view to_string(IpidClass c) noexcept;
bool usable_zombie(IpidClass c) noexcept;

// The class of a sequence of IP IDs read in order (at least two).
IpidClass classify_ipids(std::span<const uint16_t> ids) noexcept;

// IDs spent from `from` to `to` under class `c`, negative when `to` is
// behind (a reordered or lost read); handles the 16-bit wrap.
int ipid_distance(IpidClass c, uint16_t from, uint16_t to) noexcept;

struct IdleScanConfig {
  const TargetSet* targets = nullptr;
  // The next-hop MAC of targets->at(i) (null: unreachable, skipped); null
  // function: every target goes to frames.target_hop_mac.
  std::function<const uint8_t*(uint64_t index)> target_mac;
  std::vector<uint16_t> ports;
  MacAddress src_mac{};
  MacAddress zombie_hop_mac{};
  MacAddress target_hop_mac{};
  uint32_t our_ip = 0;  // host order
  uint32_t zombie_ip = 0;
  uint16_t probe_port = 80;
  uint16_t src_port_base = 0;  // our IP ID probes' source ports start here (-g); 0: random
  uint8_t ttl = 64;
  unsigned min_group = 4;
  unsigned max_group = 100;       // --max-parallelism
  int ipid_tries = 3;             // IP ID probes per read before the zombie is given up
  int64_t min_wait_us = 10'000;   // the wait's floor after a group's SYNs (-T)
  int64_t first_timeout_us = 1'000'000;  // a read's timeout before any round trip is known
  double max_syn_rate = 0;        // spoofed SYNs per second at most (--rate, --max-rate); 0: a burst per group
  PacketTracer* trace = nullptr;  // --packet-trace
};

struct IdleScanHooks {
  // Every port of a group once it is decided: open (ipid-change) or
  // closed|filtered (no-ipid-change).
  std::function<void(std::span<const PortResult>)> on_results;
  std::function<void()> on_tick;                                 // after each group
  std::ostream* progress = nullptr;                              // the zombie's line, and a line every few seconds
  double progress_every_s = 5;                                   // --stats-every
};

struct IdleScanReport {
  std::string refused;  // the zombie is unusable: one line, nothing was scanned
  std::string error;    // the scan stopped part-way for this reason
  bool interrupted = false;
  IpidClass ipid_class = IpidClass::NoReply;
  double zombie_srtt_ms = 0;
  double zombie_noise_pps = 0;  // the zombie's own packets per second, from the qualification
  int spoof_test_distance = 0;  // IDs the spoofing test's four packets moved (4 expected)
  uint64_t hosts_done = 0;      // targets whose every port is decided
  uint64_t hosts_skipped = 0;   // targets without a next hop
  uint32_t partial_host = 0;    // the last target begun (the one being scanned when it stopped)
  uint32_t partial_ports = 0;   // ... how many of its ports were decided, 0 once it is whole
  uint64_t open = 0;
  uint64_t counts = 0;          // group counts (each: SYNs, a wait, a read)
  uint64_t recounts = 0;        // of those, re-counts after a disagreement
  uint64_t ipid_probes = 0;     // SYN-ACKs sent to the zombie
  uint64_t ipid_replies = 0;
  uint64_t spoofed = 0;         // spoofed SYNs (and the spoofing test's SYN-ACKs)
  double final_group = 0;       // the group size and wait it ended with
  double final_wait_ms = 0;
  double seconds = 0;
};

// Runs the idle scan over `io` (opened with a filter that passes the
// zombie's TCP packets to us): the zombie's qualification, then every
// target. Stops between counts when `interrupt` becomes true; ports not
// decided are not reported.
IdleScanReport run_idle_scan(const IdleScanConfig& config, PacketIo& io, const IdleScanHooks& hooks,
                             const std::atomic<bool>& interrupt);

}  // namespace portsweep
