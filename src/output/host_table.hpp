#pragma once
// Per-host aggregation of a scan's results for the formats that print hosts
// at the end (normal, XML, grepable). A stateless scan delivers results in
// random host order, so nothing can be printed until the scan is over; and a
// /16 sweep of every port must fit in a few tens of megabytes. So the table
// keeps, per host, counts per (protocol, state, reason) and the answered
// ports themselves (6 bytes each) up to a budget (ReportPolicy) over the
// whole table: nmap folds a state with more than 25 ports into one "Not
// shown" count but still lists those ports in XML. Past the budget a state's
// list is given up once it is too long to print port by port, and only its
// count remains. Open ports are always kept.
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <memory>
#include <vector>

#include "output/host_report.hpp"
#include "output/os_report.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"

namespace portsweep {

// How results become reports; fixed for the whole scan.
struct ReportPolicy {
  // A state with more ports than this is counted, not listed (nmap: 25, times
  // 1 + the verbosity level).
  uint32_t listing_limit = 25;
  // What an unanswered probe means, per protocol.
  std::array<PortState, kProtoCount> no_response_state = {
      PortState::Filtered, PortState::OpenFiltered, PortState::Filtered, PortState::OpenFiltered};
  // ... and why (ScanKind::no_response_reason).
  std::array<Reason, kProtoCount> no_response_reason = {Reason::NoResponse, Reason::NoResponse, Reason::NoResponse,
                                                        Reason::NoResponse};
  // Ports probed per host when ScanSummary does not say otherwise.
  PortsPerProto ports_per_host{};
  // Which ports those are, ascending: a host's few unanswered ports are the
  // list less its answered ones, listed by name as nmap lists them. Empty
  // when not known.
  std::array<std::vector<uint16_t>, kProtoCount> port_lists;
  bool open_only = false;
  // Answered ports kept across all hosts before folded states lose their
  // lists: 2^18 is 1.5 MB (3 with the vectors' slack), 262 hosts' worth of
  // nmap's top 1,000 ports - a /24's live hosts.
  uint64_t kept_ports_budget = uint64_t{1} << 18;

  static ReportPolicy for_scan(const ScanInfo& info);
};

// --open lists the states in which a port may be open.
bool may_be_open(PortState s);

// What the table holds for one host; see HostTable.
struct HostEntry {
  int64_t first_us = 0;
  int64_t last_us = 0;
  std::vector<KeptPort> ports;  // open ports, plus ports of states not yet over the limit
  struct Count {
    uint32_t count = 0;
    Proto proto = Proto::Tcp;
    PortState state = PortState::Closed;
    Reason reason = Reason::Reset;
  };
  std::vector<Count> counts;    // a handful: one per (proto, state, reason) seen
  uint32_t srtt_us = 0;
  uint32_t rttvar_us = 0;
  Reason up_reason = Reason::SynAck;
  uint8_t up_ttl = 0;
  uint8_t dropped_states = 0;   // bit (1 << state): that state's port list was given up
  bool has_rtt = false;
  // Version detection's findings; kept apart from `ports` so a sweep's
  // millions of KeptPorts stay small.
  std::vector<PortService> services;
  std::vector<TraceHop> trace;  // --traceroute's, by TTL
  // -O's findings and the passive hint; shared, not copied, into reports.
  std::shared_ptr<const OsReport> os;
  std::shared_ptr<const OsHint> os_hint;
  std::array<uint8_t, 6> mac{};  // valid when has_mac: an on-link host's, from ARP
  bool has_mac = false;

  uint32_t state_count(PortState s) const;
};

// Not thread-safe: one thread adds results (OutputSet serialises callers).
class HostTable {
 public:
  explicit HostTable(ReportPolicy policy = {});

  // Every classified result of the scan, in any order. Each (ip, proto, port)
  // should come once; a repeated open port is listed once all the same.
  void add(const PortResult& r);
  // A later finding about a port the scan already judged: version detection's
  // UDP response turns an open|filtered port open (udp-response). The port's
  // old entry (a kept port of another state, or an unanswered probe counted
  // only in the no-response tally) gives way to `r`: the port is counted once,
  // in its new state. Returns false when nothing changed (the port already had
  // r's state and reason).
  bool update(const PortResult& r);
  // A host found up by discovery (or -Pn): its entry exists from now on,
  // with discovery's reason as the reason it is up (later port results do
  // not change it). -Pn's user-set replaces the reason of a host already held.
  void add_host(const HostUp& h);
  // The route --traceroute found to a host the table holds (ignored
  // otherwise): hops by TTL, the host itself last.
  void set_trace(const IpAddress& ip, std::vector<TraceHop> hops);
  // What OS detection found, or the passive OS hint, for a host the table
  // holds (ignored otherwise); a second report replaces the first.
  void set_os(OsReport os);
  void set_os_hint(OsHint hint);
  // One round-trip sample for a host that has answered; ignored otherwise.
  void add_rtt(const IpAddress& ip, uint32_t rtt_us);
  // What version detection found on a port of a host that answered; a
  // second report for the same port replaces the first. Ignored (false) for
  // a host the table does not hold.
  bool set_service(const ServiceResult& r);

  std::size_t hosts_up() const { return hosts_.size(); }
  const HostEntry* find(const IpAddress& ip) const;
  const ReportPolicy& policy() const { return policy_; }

  // Addresses of every host that answered, ascending: IPv4 first, then IPv6.
  std::vector<IpAddress> sorted_addresses() const;
  // The finished report of one host that answered: `scanned` is how many ports
  // each protocol probed on it; those that neither answered nor were reported
  // are counted with the scan's no-response state and reason (nmap's "no-response"; -sI's "no-ipid-change").
  HostReport report(const IpAddress& ip, const PortsPerProto& scanned) const;
  // Reports of all hosts in address order, one at a time so a large table is
  // never copied whole; hosts --open leaves without a port are skipped.
  void for_each_report(const ScanSummary& summary,
                       const std::function<void(const HostReport&)>& fn) const;

 private:
  ReportPolicy policy_;
  uint64_t kept_ = 0;  // KeptPorts held, all hosts together
  static void update_rtt(HostEntry& h, uint32_t rtt_us);
  // Keyed by the 16-byte address: 12 bytes more per host than a uint32_t
  // key (under 1 MB for a /16 of hosts up), and one 16-byte hash and compare
  // per result (bench/output's BM_HostTableAdd: no slower than the uint32_t
  // table it replaced).
  std::unordered_map<IpAddress, HostEntry> hosts_;
};

}  // namespace portsweep
