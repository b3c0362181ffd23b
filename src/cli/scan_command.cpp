#include "cli/scan_command.hpp"

#include <unistd.h>


#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <random>
#include <sstream>
#include <thread>

#include "cli/command_line.hpp"
#include "cli/connect_scan_command.hpp"
#include "cli/loopback_targets.hpp"
#include "cli/discovery_plan.hpp"
#include "cli/evasion_options.hpp"
#include "cli/ftp_bounce_command.hpp"
#include "cli/family_scope.hpp"
#include "io/rx_filter.hpp"
#include "cli/host_discovery.hpp"
#include "cli/idle_scan_command.hpp"
#include "cli/host_name_lookup.hpp"
#include "cli/os_stage.hpp"
#include "cli/os_hint_options.hpp"
#include "cli/output_options.hpp"
#include "cli/scan_flags.hpp"
#include "cli/scan_plan.hpp"
#include "cli/scan_report.hpp"
#include "cli/scan_tasks.hpp"
#include "cli/timing_template.hpp"
#include "cli/traceroute_stage.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "detect/service_probes.hpp"
#include "engine/answered_set.hpp"
#include "engine/packet_tracer.hpp"
#include "engine/rate_limiter.hpp"
#include "engine/resume_file.hpp"
#include "engine/scan_layout.hpp"
#include "engine/sweep.hpp"
#include "io/next_hop_plan.hpp"
#include "io/scan_path.hpp"
#include "output/format_registry.hpp"
#include "output/mac_vendors.hpp"
#include "output/output_set.hpp"
#include "output/report_text.hpp"
#include "probes/udp_payloads.hpp"

namespace portsweep {

namespace {

constexpr const char* kResumePath = "portsweep.resume";
// The largest probe frame without payload options: a SYN with its MSS option
// (Ethernet 14, IPv4 20, TCP 24); -sU's own payloads are gone with --data*.
constexpr size_t kLargestPlainProbe = 58;

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted.store(true); }

// The first Ctrl-C stops the sweep cleanly and writes the resume file; the
// handler then resets, so a second Ctrl-C ends the process at once.
void install_interrupt_handler() {
  struct sigaction sa{};
  sa.sa_handler = on_interrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

std::pair<uint32_t, uint32_t> parse_shard(const std::string& s) {
  if (s.empty()) return {0, 1};
  unsigned i = 0, n = 0;
  std::sscanf(s.c_str(), "%u/%u", &i, &n);  // validated by the command line
  return {i - 1, n};
}

SourcePorts choose_source_ports(const ScanOptions& o, std::mt19937_64& rng) {
  if (o.source_port) return {*o.source_port, 1};
  if (!o.source_ports.empty()) {
    unsigned a = 0, b = 0;
    std::sscanf(o.source_ports.c_str(), "%u-%u", &a, &b);
    return {static_cast<uint16_t>(a), b - a + 1};
  }
  // A window of 4096 ports spreads repeated probes of one port over distinct
  // 4-tuples, inside the range the kernel hands out least (it counts down
  // from 60999 only under load).
  return {static_cast<uint16_t>(40000 + rng() % 16000), 4096};
}

void print_summary(const SweepReport& r, std::ostream& err) {
  char line[512];
  std::snprintf(line, sizeof line,
                "portsweep: sent %llu probes in %.2f s (rate held %.1f pps, %.1f frames per send call), %llu RSTs; "
                "received %llu frames: "
                "%llu results, %llu rejected cookies, %llu duplicates, %llu undecodable, %llu bad checksums; "
                "capture dropped %llu (interface %llu); cooldown %.2f s, max RTT %.2f ms\n",
                static_cast<unsigned long long>(r.probes_sent), r.send_seconds, r.measured_pps,
                r.send_calls ? static_cast<double>(r.frames_sent) / static_cast<double>(r.send_calls) : 0.0,
                static_cast<unsigned long long>(r.answers_sent),
                static_cast<unsigned long long>(r.frames_received),
                static_cast<unsigned long long>(r.results),
                static_cast<unsigned long long>(r.rejected_cookies),
                static_cast<unsigned long long>(r.duplicates),
                static_cast<unsigned long long>(r.undecodable),
                static_cast<unsigned long long>(r.bad_checksums),
                static_cast<unsigned long long>(r.io.rx_dropped),
                static_cast<unsigned long long>(r.io.rx_if_dropped), r.cooldown_s, r.max_rtt_ms);
  err << line;
  if (r.rx_threads > 1) err << "portsweep: " << r.rx_threads << " RX threads, one per receive queue\n";
  if (r.frames_sent > r.probes_sent)
    err << "portsweep: the probes went out as " << r.frames_sent << " frames (fragments, decoy copies)\n";
  if (r.unsendable)
    err << "portsweep: " << r.unsendable << " probes not sent: their targets have no next hop\n";
  if (r.checksums_cut_short || r.checksums_offloaded)
    err << "portsweep: L4 checksums not checkable: " << r.checksums_cut_short << " frames cut short by the capture, "
        << r.checksums_offloaded << " left to checksum offload by a sender on this host\n";
  for (const auto& c : r.io.extra) err << "portsweep:   " << c.name << " " << c.value << "\n";
}

}  // namespace

int run_scan(const ScanOptions& given, std::ostream& out, std::ostream& err) {
  ScanOptions o = given;
  std::optional<ResumeState> resume;
  if (!given.resume.empty()) {
    resume = read_resume_file(given.resume);
    std::ostringstream discard, why;
    ParsedCommandLine again = parse_command_line(resume->args, discard, why);
    if (!again.options) {
      std::string reason = why.str();  // "portsweep: ...\n": one sentence, folded into this one
      if (reason.rfind("portsweep: ", 0) == 0) reason.erase(0, 11);
      while (!reason.empty() && reason.back() == '\n') reason.pop_back();
      throw UsageError("resume file \"" + given.resume + "\" holds a command line that no longer parses: " + reason);
    }
    o = *again.options;
  }
  if (o.aggressive) {
    std::string note = o.os_detection ? "-A runs -sV, -O and --traceroute; nmap's -A also runs scripts (-sC), which "
                                        "portsweep does not have yet"
                                      : "-A runs -sV and --traceroute; nmap's -A also runs scripts (-sC), which "
                                        "portsweep does not have yet, and -O, left out here: " +
                                            os_detection_refusal(o).value_or("");
    print_message_line(err, "portsweep: ", note);
  }

  // -sT (or the fallback to it without raw-packet privilege), -b and -sI
  // have engines of their own: the kernel's connect(), an FTP server's
  // PORT/LIST, spoofed SYNs read through a zombie's IP ID.
  const EngineChoice engine = choose_scan_engine(o);
  if (engine.runner != ScanRunner::Sweep && o.os_detection) {
    // Without raw-packet privilege the scan falls back to -sT.
    if (!o.aggressive) throw UsageError("-O sends raw packets, and this scan is a connect scan (-sT): run it with privileges");
    print_message_line(err, "portsweep: ", "-A leaves -O out: this scan is a connect scan (-sT), and -O sends raw packets");
    o.os_detection = false;
  }
  if (engine.runner != ScanRunner::Sweep) {
    const bool connect = engine.runner == ScanRunner::Connect, bounce = engine.runner == ScanRunner::FtpBounce;
    refuse_os_hint(o, connect ? "a connect scan (-sT)" : bounce ? "an FTP bounce scan (-b)" : "an idle scan (-sI)");
    if (resume)
      throw UsageError(std::string(connect ? "a connect scan (-sT)" : bounce ? "an FTP bounce scan (-b)" : "an idle scan (-sI)") +
                       " cannot be resumed: run it again");
    install_interrupt_handler();
    if (connect) return run_connect_scan_command(o, engine, err, g_interrupted);
    if (bounce) return run_ftp_bounce_command(o, err, g_interrupted);
    return run_idle_scan_command(o, err, g_interrupted);
  }

  // --min-parallelism bounds connections (-sT's, -sV's); the sweep keeps
  // no count of probes in flight, so alone it would be ignored.
  if (o.min_parallelism && !o.service_version)
    throw UsageError("--min-parallelism sets the connections at once of -sT and -sV; the stateless sweep keeps no "
                     "count of probes in flight: use --min-rate to set its pace");
  ScanScope scope = resolve_scope(o);
  const bool has_v4 = !scope.targets.addresses.empty(), has_v6 = !scope.targets.addresses6.empty();
  if (has_v6) refuse_for_ipv6(o, err);
  // 127/8: Linux drops raw frames to them; the kernel's connect() reaches them.
  if (const LoopbackTargets lo = loopback_targets(scope.targets.addresses); lo != LoopbackTargets::None) {
    if (has_v6) throw UsageError("127/8 targets are scanned with connect(), IPv6 targets are not: scan them in two runs");
    if (o.os_detection)
      throw UsageError("-O sends raw frames, which Linux drops for 127/8 targets: OS detection of loopback targets is "
                       "not possible");
    EngineChoice choice;
    choice.runner = ScanRunner::Connect;
    choice.fallback_note = loopback_connect_scan(o, lo);
    refuse_os_hint(o, "a connect scan of loopback targets");
    scope.modules = {find_probe_module("tcp_connect")};
    install_interrupt_handler();
    return run_connect_scan_command(o, choice, err, g_interrupted, &scope);
  }
  // Loaded before the sweep so a missing or broken probes file stops the
  // scan before it sends anything (the connect scan above loads its own).
  std::optional<ServiceProbeDb> probe_db;
  if (o.service_version) probe_db = ServiceProbeDb::load(o.datadir);
  // nmap-os-db likewise, before anything is sent.
  std::optional<os::OsDb> os_db;
  if (o.os_detection) os_db = os::OsDb::load(os_db_path(o.datadir));
  if (o.os_detection && any_evasion_option(o))
    err << "WARNING: -O's probes go out as nmap's OS probes, unshaped: -f, --mtu, -D, --data*, --ip-options and "
           "--badsum shape the port sweep's probes only\n";
  for (const auto& w : scope.warnings) err << "WARNING: " << w << "\n";
  report_unresolved(scope.targets, err);
  if (!has_v4 && !has_v6) throw UsageError("every target is excluded: nothing to scan");
  DiscoveryPlan discovery = plan_discovery(o, scope.services);
  if (has_v6) fit_discovery_to_ipv6(discovery, o);
  // -sn: no port scan, so no port scan type either (resolve_scope's -sS
  // default stays unused).
  if (!discovery.port_scan) scope.modules.clear();
  // The passive OS hint's signatures, loaded (and a broken file refused)
  // before anything is sent.
  // On with -O: the hint costs no packet, and the report carries both.
  const std::unique_ptr<os::PassiveClassifier> os_hints =
      os_hint_classifier(o, scope.modules, scope.targets.addresses.size(), err, o.os_detection);

  // -sU's protocol payloads (nmap-payloads, else the project's own file),
  // loaded before anything (ARP included) is sent, so a broken file stops
  // the scan first.
  std::optional<UdpPayloadDb> payloads;
  const bool udp_pings = std::any_of(discovery.probes.begin(), discovery.probes.end(),
                                     [](const ScanPart& p) { return p.module == "udp_ping"; });
  // --data, --data-string and --data-length replace them (nmap's rule, also
  // for --data-length 0: no payload at all).
  if (!payload_option_given(o) &&
      (udp_pings || std::any_of(scope.modules.begin(), scope.modules.end(), [](const ProbeModule* m) { return m->proto == Proto::Udp; }))) {
    payloads = UdpPayloadDb::load(o.datadir.empty() ? std::nullopt : std::optional<std::string>(o.datadir));
    if (o.verbose > 0)
      err << "portsweep: UDP payloads for " << payloads->port_count() << " ports from " << payloads->origin() << "\n";
  }

  // Opened (not yet emptied) before any interface is: a bad output stops
  // the scan before anything is set up, and an existing file loses nothing.
  OutputSet outputs;
  add_outputs(o, outputs, resume.has_value(), err);
  log_unresolved(scope.targets, outputs);
  outputs.set_host_names(make_host_names(o, scope.targets, &err));

  // Every target's next hop (the gateway's MAC, or its own when on-link),
  // resolved before the packet I/O opens: a kernel-bypass backend takes the
  // interface from the kernel. Each family has its own plan; both must
  // leave through one interface (one packet I/O session).
  std::optional<NextHopPlan> next_hops4;
  if (has_v4) next_hops4.emplace(resolve_next_hops(next_hop_request(o, scope)));
  std::optional<NextHopPlan6> next_hops6;
  if (has_v6) next_hops6.emplace(resolve_next_hops6(next_hop_request6(o, scope)));
  if (next_hops4)
    for (const auto& w : next_hops4->warnings()) err << "WARNING: " << w << "\n";
  if (next_hops6)
    for (const auto& w : next_hops6->warnings()) err << "WARNING: " << w << "\n";
  const ScanPath path = sweep_path(next_hops4 ? &next_hops4->path() : nullptr,
                                   next_hops6 ? &next_hops6->path() : nullptr);
  const SweepHops hops{next_hops4 ? &*next_hops4 : nullptr, next_hops6 ? &*next_hops6 : nullptr,
                       scope.targets.addresses.size()};

  std::random_device rd;
  std::mt19937_64 rng((uint64_t{rd()} << 32) ^ rd());
  SweepConfig cfg;
  cfg.targets = scope.targets.addresses;
  cfg.targets6 = scope.targets.addresses6;
  const SweepTargets axis(cfg.targets, cfg.targets6);  // refers to cfg's sets, which live as long as cfg
  for (const ProbeModule* m : scope.modules)
    cfg.scans.push_back({std::string(m->name), m->proto == Proto::Ip ? scope.ip_protocols : scope.ports.ports(m->proto)});
  cfg.probe.src_mac = path.src_mac.bytes;
  // One next hop for every target (the routed case) is part of the
  // template; otherwise the TX loop writes each probe's own.
  if (next_hops4) {
    if (next_hops4->kind() == NextHopPlan::Kind::Uniform && next_hops4->mac_for(0) != nullptr)
      cfg.probe.dst_mac = next_hops4->mac_for(0)->bytes;
    else
      cfg.next_hops = &*next_hops4;
  }
  if (next_hops6) {
    if (next_hops6->uniform() && next_hops6->mac_for(0) != nullptr)
      cfg.dst_mac6 = next_hops6->mac_for(0)->bytes;
    else
      cfg.next_hops6 = &*next_hops6;
    store_ipv6(cfg.probe.src_ip6.data(), next_hops6->path().src_ip);
  }
  cfg.probe.src_ip = path.src_ip;
  cfg.probe.ttl = static_cast<uint8_t>(o.ttl);
  cfg.probe.src_ports = choose_source_ports(o, rng);
  cfg.probe.cookie_key = resume ? resume->key : random_cookie_key();
  if (!o.scan_flags.empty()) cfg.probe.tcp_flags = parse_scan_flags(o.scan_flags);
  if (payloads) cfg.probe.udp_payloads = &*payloads;
  if (any_evasion_option(o)) {
    cfg.evasion = evasion_plan(o, rng);
    check_plan_fits(cfg.evasion, kLargestPlainProbe, path.mtu);
  }
  if (!o.spoof_mac.empty()) {
    const MacVendors vendors = MacVendors::load(o.datadir);
    cfg.probe.src_mac = resolve_spoof_mac(parse_spoof_mac(o.spoof_mac), vendors, rng);
    const std::string_view vendor = vendors.vendor(cfg.probe.src_mac);
    out << "Spoofing MAC address " << mac_text(cfg.probe.src_mac) << " ("
        << (vendor.empty() ? std::string_view("No registered vendor") : vendor) << ")\n";
  }
  // -T and the timing options (cli/timing_template.hpp).
  const ResolvedTiming timing = resolve_timing(o);
  cfg.rate_pps = timing.rate_pps;
  unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  // A scan delay is a spacing between any two probes: one thread sends them.
  const unsigned default_threads = timing.paced_by_scan_delay ? 1 : cores - 1;
  cfg.tx_threads = resume ? resume->tx_threads : (o.tx_threads ? o.tx_threads : default_threads);
  // One RX thread unless asked for more (pcap has one receive queue; DPDK as
  // many as the interface's queues). Not more by default: on the lab's
  // AF_XDP veth, two RX threads answering on queues a TX thread also sends
  // on make the kernel reject some TX descriptors at low rates (README,
  // "Queues, threads and buffers"), and one RX thread keeps up with what
  // a target network answers here.
  cfg.rx_threads = o.rx_threads ? o.rx_threads : 1;
  std::tie(cfg.shard, cfg.shards) = parse_shard(o.shard);
  cfg.seed = resume ? resume->seed : (o.seed ? *o.seed : rng());
  cfg.max_retries = timing.retry_passes;
  cfg.retry_silent = o.retry_silent;
  cfg.wait_seconds = o.wait_seconds;
  cfg.rtt_timeout = {timing.min_rtt_timeout, timing.max_rtt_timeout, timing.initial_rtt_timeout};
  if (timing.paced_by_scan_delay) cfg.min_retry_gap = timing.scan_delay;
  cfg.deadline_seconds = timing.host_timeout;
  cfg.os_hints = os_hints.get();
  std::optional<PacketTracer> tracer;
  if (o.packet_trace) cfg.trace = &tracer.emplace(err);
  if (resume) {
    cfg.start_pass = resume->position.pass;
    cfg.start_positions = resume->position.positions;
    cfg.start_answered = resume->answered;  // replaced below by the result log's, when it has one
  }

  IoConfig io_cfg;
  io_cfg.backend = o.io;
  io_cfg.iface = path.iface;
  // Every module's replies (discovery's too), to our address only.
  std::string filter;
  uint32_t snaplen = 0;
  std::vector<const ProbeModule*> listening = scope.modules;
  if (o.traceroute) {
    listening.push_back(find_probe_module("icmp_traceroute"));
    listening.push_back(find_probe_module("tcp_traceroute"));
  }
  if (discovery.discover && !(resume && !resume->up_hosts.empty()))
    for (const ScanPart& p : discovery.probes) listening.push_back(find_probe_module(p.module));
  for (const ProbeModule* m : listening) {
    filter += (filter.empty() ? "(" : " or (") + std::string(m->rx_filter) + ")";
    snaplen = std::max(snaplen, m->rx_snaplen);
  }
  // -O's replies: SYN-ACKs and RSTs, echo replies, U1's port unreachable
  // with the whole probe quoted.
  if (o.os_detection) {
    filter += (filter.empty() ? "(" : " or (") + std::string(kOsRxFilter) + ")";
    snaplen = std::max(snaplen, kOsRxSnaplen);
  }
  // Each family's replies to its own address: "(...) and dst host A.B.C.D",
  // "ip6 and (...) and dst host 2001:db8::1", or both.
  if (has_v4) io_cfg.rx_filter = reply_filter(filter, IpAddress::v4(path.src_ip));
  if (has_v6) {
    const std::string v6 = reply_filter(filter, IpAddress::v6(next_hops6->path().src_ip));
    io_cfg.rx_filter = has_v4 ? "(" + io_cfg.rx_filter + ") or (" + v6 + ")" : v6;
  }
  // After the TX threads' queues, one per RX thread for its RSTs.
  io_cfg.tx_queues = cfg.tx_threads + cfg.rx_threads;
  io_cfg.rx_queues = cfg.rx_threads;
  // 192 bytes hold the deepest headers a classifier reads (Ethernet with two
  // VLAN tags, IP with options, an ICMP error quoting IP with options), and a
  // 16 MB ring then buffers ~60k replies, a third of a second at the rate a
  // Linux target answers, within the 64 MB a full-port /16 sweep may use.
  io_cfg.rx_snaplen = std::max<uint32_t>(snaplen, 192);
  io_cfg.rx_buffer_bytes = size_t{16} << 20;
  io_cfg.local_ip = path.src_ip;  // a kernel-bypass backend answers ARP for it
  if (has_v6) {  // and neighbour solicitations for this one
    io_cfg.local_ip6 = cfg.probe.src_ip6;
    io_cfg.has_local_ip6 = true;
  }
  if (!o.dpdk_args.empty()) io_cfg.options.emplace_back("eal-args", o.dpdk_args);
  if (!o.pcap_tx.empty()) io_cfg.options.emplace_back("tx", o.pcap_tx);
  auto io = open_packet_io(io_cfg);
  if (o.rx_threads && io->rx_queues() < o.rx_threads)
    err << "portsweep: --rx-threads " << o.rx_threads << ": " << io->backend() << " on " << io_cfg.iface << " has "
        << io->rx_queues() << " receive queue" << (io->rx_queues() == 1 ? "" : "s") << ", read by as many RX threads\n";
  cfg.rx_threads = std::min(cfg.rx_threads, io->rx_queues());

  ScanInfo info = scan_info_for(o, "portsweep", o.argv, scope.services);
  for (size_t k = 0; k < scope.modules.size(); ++k) info.scans.push_back(scan_kind_for(*scope.modules[k], cfg.scans[k].ports));
  info.num_targets = axis.size();
  info.version_scan = probe_db.has_value();
  info.os_scan = o.os_detection;
  info.port_scan = discovery.port_scan;
  info.shard = o.shard;
  info.seed = cfg.seed;
  outputs.begin(info);
  if (o.debug > 0) out << timing_report(timing) << std::flush;  // -d: nmap's timing report
  // -sV starts on each open port as its result arrives, while the sweep goes on.
  std::unique_ptr<LiveServiceStage> live;
  if (probe_db) live = live_service_stage(o, *probe_db, outputs, info, err, g_interrupted, io->backend());

  // Every result also goes to the result log beside the resume file, so an
  // interrupted run can hand them to the run that resumes it without keeping
  // them in memory. A resumed run's outputs hold the whole scan: the earlier
  // results first (copied into this run's log), then what this run adds.
  // Without a writable log the scan still runs, but cannot be resumed.
  std::optional<ResultLog> log;
  // -O's choice of ports sees every result, a resumed run's earlier ones too.
  std::optional<OsPlan> os_plan;
  if (o.os_detection) os_plan.emplace();
  std::vector<HostUp> up_hosts;  // discovery's, for the resume file
  // The port sweep's round (see host_discovery.hpp) and the hosts of its
  // first; set before any checkpoint can be written.
  unsigned round = 0;
  uint64_t first_round_hosts = 0;
  if (!resume && std::filesystem::exists(kResumePath))
    err << "WARNING: " << kResumePath << " of an earlier scan is replaced by this scan's\n";
  try {
    log.emplace(resume ? std::string(kResumePath) + ".new" : std::string(kResumePath));
  } catch (const RuntimeFailure& e) {
    err << "WARNING: " << e.what() << "; this scan cannot be resumed if it stops\n";
  }
  // The hosts the interrupted run's discovery found, before their ports: a
  // host's reason for being up is the first thing the outputs hear of it.
  if (resume)
    for (const HostUp& h : resume->up_hosts) outputs.on_host_up(h);
  if (resume && resume->results != 0) {
    const ScanLayout layout(cfg);
    // The answered map a resumed run deduplicates against is what the log
    // holds: exactly what was delivered. (A checkpoint's moment also had
    // replies marked answered whose results were still on their way to the
    // outputs; trusting those would lose them.)
    std::vector<uint64_t> answered;
    if (layout.space().size() <= AnsweredSet::kMaxExactBits) answered.assign((layout.space().size() + 63) / 64, 0);
    std::vector<PortResult> earlier;
    read_result_log(given.resume, resume->results, [&](std::span<const ProbeResult> chunk) {
      earlier.clear();
      for (const ProbeResult& r : chunk) {
        if (r.index >= layout.space().size())
          throw UsageError("resume file \"" + given.resume + "\" holds a result for probe " +
                           std::to_string(r.index) + ", outside this scan's " +
                           std::to_string(layout.space().size()) + " probes");
        earlier.push_back(layout.port_result(r));
        if (!answered.empty()) answered[r.index / 64] |= uint64_t{1} << (r.index % 64);
      }
      outputs.on_results(earlier);
      if (os_plan)
        for (const PortResult& r : earlier) os_plan->note(r);
      if (live) live->on_results(earlier);
      if (log) log->append(chunk);
    });
    cfg.start_answered = std::move(answered);
  }
  if (resume && log) log->move_to(kResumePath);

  install_interrupt_handler();
  SweepHooks hooks;
  std::optional<TracePlan> trace_plan;
  if (o.traceroute) trace_plan.emplace(cfg.targets);
  hooks.on_results = [&](std::span<const PortResult> batch) {
    outputs.on_results(batch);
    if (live) live->on_results(batch);
    if (trace_plan)
      for (const PortResult& r : batch) trace_plan->note(r);
    if (os_plan)
      for (const PortResult& r : batch) os_plan->note(r);
  };
  if (log) hooks.on_probe_results = [&](std::span<const ProbeResult> batch) { log->append(batch); };
  // Checkpoints while the scan runs (atomically: temp file and rename), so a
  // SIGKILL or a power cut still leaves a resume file; removed when the scan
  // completes. A scan shorter than one interval never writes one.
  const auto resume_state = [&](const SweepPosition& at, std::vector<uint64_t> answered) {
    ResumeState st;
    st.args = o.argv;
    st.seed = cfg.seed;
    st.key = cfg.probe.cookie_key;
    st.tx_threads = cfg.tx_threads;
    st.position = at;
    st.answered = std::move(answered);
    st.up_hosts = up_hosts;
    st.round = round;
    st.first_round_hosts = first_round_hosts;
    log->flush();
    st.results = log->count();
    return st;
  };
  if (log) {
    hooks.on_checkpoint = [&](const SweepPosition& at) {
      write_resume_file(kResumePath, resume_state(at, {}));
    };
  }
  hooks.on_tick = [&] { outputs.flush(); };
  if (os_hints)
    hooks.on_os_hints = [&](std::span<const OsHintRecord> batch) {
      for (const OsHintRecord& r : batch) outputs.on_os_hint(os_hint_of(r));
    };
  const ProgressPlan progress = progress_plan(o, err, 1);
  hooks.progress = progress.stream;
  hooks.progress_every_s = progress.every_s;
  hooks.progress_is_tty = isatty(STDERR_FILENO);

  // Who is up: discovery (or a resumed scan's record of it), or -Pn's
  // "everyone". A discovering scan's port sweep probes only the hosts found:
  // in round 0 those found when it began, in round 1 those found after.
  HostBitmap up, first_round, late;
  SweepReport report;
  bool sweep_ports = discovery.port_scan;
  const int64_t scan_start_ns = monotonic_ns();
  if (resume && !resume->up_hosts.empty()) {
    up = up_hosts_bitmap(axis, resume->up_hosts, given.resume);
    up_hosts = resume->up_hosts;  // already reported, before the earlier results
    round = resume->round;
    first_round_hosts = resume->first_round_hosts;
    const auto split = up_hosts.begin() + static_cast<std::ptrdiff_t>(first_round_hosts);
    first_round = up_hosts_bitmap(axis, {up_hosts.begin(), split}, given.resume);
    late = up_hosts_bitmap(axis, {split, up_hosts.end()}, given.resume);
    cfg.only_hosts = round == 0 ? &first_round : &late;
  } else if (discovery.discover) {
    uint32_t probes_per_host = 0;
    for (const ScanPart& p : discovery.probes) probes_per_host += static_cast<uint32_t>(p.ports.size());
    ScanTask ping(outputs, "Ping Scan", axis.size(), probes_per_host, only_target(axis));
    DiscoveryOutcome found =
        discover_hosts(cfg, discovery, hops, *io, outputs, hooks, g_interrupted, discovery.port_scan);
    ping.end(std::to_string(axis.size()) + (axis.size() == 1 ? " total host" : " total hosts"));
    up = std::move(found.up);
    up_hosts = std::move(found.hosts);
    report = found.report;
    print_discovery_summary(found, up_hosts, axis.size(), err);
    if (found.report.stopped_early) {
      // Nothing of the port sweep was sent: a resume would only repeat the
      // discovery, so none is written.
      sweep_ports = false;
      log.reset();
      remove_resume_file(kResumePath);
      err << "portsweep: " << (found.report.interrupted ? "interrupted" : "stopped")
          << " during host discovery; nothing to resume: run the scan again\n";
    } else if (up.count() == 0 && sweep_ports) {
      sweep_ports = false;
      report.first_pass_complete = true;
      err << "portsweep: no host is up; if they are, but block the discovery probes, try -Pn\n";
    }
    first_round = up;
    first_round_hosts = up_hosts.size();
    late = HostBitmap(axis.size());
    cfg.only_hosts = &first_round;
    if (found.ran_sweep) {
      // The pipeline: round 0 reads discovery's late answers.
      trail_discovery(cfg, discovery);
      hooks.on_trailing_results = [&](std::span<const PortResult> batch) {
        note_hosts_up(batch, axis, up, up_hosts, outputs, &late);
      };
    }
  }
  if (report.timed_out) sweep_ports = false;  // discovery used up --host-timeout
  if (sweep_ports) {
    // nmap's -v tasks, one per scan technique (the sweep runs them in one pass).
    const uint64_t swept_hosts = cfg.only_hosts ? cfg.only_hosts->count() : axis.size();
    std::vector<ScanTask> tasks;
    for (const ScanKind& k : info.scans) {
      if (k.xml_scaninfo)
        tasks.emplace_back(outputs, task_name(k.type), swept_hosts, k.num_services, only_target(axis));
    }
    // --host-timeout counts from the scan's start, discovery included.
    if (timing.host_timeout > 0)
      cfg.deadline_seconds =
          std::max(1e-3, timing.host_timeout - static_cast<double>(monotonic_ns() - scan_start_ns) * 1e-9);
    report = run_sweep(cfg, *io, hooks, g_interrupted);
    if (round == 0 && !report.stopped_early && !report.timed_out && late.count() != 0) {
      err << "portsweep: " << late.count() << (late.count() == 1 ? " host" : " hosts")
          << " answered discovery after the port sweep began; sweeping "
          << (late.count() == 1 ? "its" : "their") << " ports now\n";
      round = 1;
      cfg = stage_sweep_config(cfg, cfg.scans, &late);  // from the start, no trailing stage
      cfg.os_hints = os_hints.get();  // the same port sweep: its hosts' hints too
      hooks.on_trailing_results = nullptr;
      report = add_round(report, run_sweep(cfg, *io, hooks, g_interrupted));
    }
    const uint64_t hosts_swept = swept_hosts + (round == 1 ? late.count() : 0);
    for (ScanTask& task : tasks) task.end(std::to_string(hosts_swept * task.ports_per_host()) + " total ports");
  } else if (!discovery.port_scan && !report.stopped_early) {
    report.first_pass_complete = true;
  }

  // --host-timeout: every host is scanned at once, so none is finished until
  // every probe has gone out once. Cut short before that, each host up is
  // skipped, as nmap skips a host that takes too long: its ports found so
  // far are written, no port is reported unanswered. Cut short later, only
  // retries and the cooldown were lost.
  const bool hosts_skipped = report.timed_out && !report.first_pass_complete;
  if (hosts_skipped) {
    report.first_pass_complete = false;
    const auto skipping = [&](const IpAddress& ip) {
      const std::string line = "Skipping host " + ip.to_string() + " due to host timeout";
      err << line << "\n";
      outputs.on_message(line);
    };
    if (discovery.discover)
      for (const HostUp& h : up_hosts) skipping(h.ip);
    else
      for (uint64_t k = 0; k < axis.size(); ++k) skipping(axis.address(k));
  } else if (report.timed_out) {
    err << "portsweep: --host-timeout came after every probe had gone out once: the retries and the wait for late "
           "replies were cut short\n";
  }
  if (trace_plan && !report.stopped_early && !report.timed_out && !g_interrupted.load()) {
    // Discovery's hosts, or (-Pn) those that answered a probe.
    const HostBitmap& to_trace = discovery.discover ? up : trace_plan->answered();
    for (const HostUp& h : up_hosts) trace_plan->note(h);
    if (to_trace.count() != 0) {
      const SweepReport traced = trace_routes(cfg, to_trace, trace_plan->max_ttl(), trace_plan->tcp_port(), *io,
                                              outputs, hooks, g_interrupted);
      char line[160];
      std::snprintf(line, sizeof line, "portsweep: traceroute: %llu hosts, TTL 1-%u, %llu probes in %.2f s\n",
                    static_cast<unsigned long long>(to_trace.count()), static_cast<unsigned>(trace_plan->max_ttl()),
                    static_cast<unsigned long long>(traced.probes_sent), traced.elapsed_s);
      err << line;
    }
  }
  // -O, after the sweep (and traceroute), on the same I/O session: before
  // a kernel-bypass backend lets the interface go for -sV.
  bool os_interrupted = false;
  std::string os_error;
  if (os_plan && !report.stopped_early && !report.timed_out && !g_interrupted.load() && !io->failed()) {
    for (const HostUp& h : up_hosts) os_plan->note(h);
    // Discovery's hosts, or (-Pn) those that answered a probe.
    const HostBitmap to_scan = discovery.discover ? up : os_plan->answered(cfg.targets);
    OsStageRequest req;
    req.options = &o;
    req.targets = &cfg.targets;
    req.hosts = &to_scan;
    req.plan = &*os_plan;
    req.next_hops = &*next_hops4;  // -O is refused for IPv6 targets: an IPv4 scan has its plan
    req.db = &*os_db;
    req.src_mac = cfg.probe.src_mac;
    req.src_ip = path.src_ip;
    req.rtt_timeout = cfg.rtt_timeout;
    req.scan_delay = timing.scan_delay;
    req.timing_insane = o.timing == 5;
    req.udp_scanned = std::any_of(scope.modules.begin(), scope.modules.end(),
                                  [](const ProbeModule* m) { return m->proto == Proto::Udp; });
    req.seed = cfg.seed ^ rng();
    req.trace = cfg.trace;
    req.progress = progress.stream;
    req.progress_every_s = progress.every_s;
    req.on_tick = [&] { outputs.flush(); };
    const OsStageOutcome done = run_os_stage(req, *io, outputs, err, g_interrupted);
    char line[320];
    std::snprintf(line, sizeof line,
                  "portsweep: OS detection: %llu hosts (%llu left out), %llu tries, %llu probes (%llu retransmitted) in "
                  "%.2f s; %llu replies, %llu strays; %llu perfect matches\n",
                  static_cast<unsigned long long>(done.hosts), static_cast<unsigned long long>(done.skipped),
                  static_cast<unsigned long long>(done.scan.tries), static_cast<unsigned long long>(done.scan.probes_sent),
                  static_cast<unsigned long long>(done.scan.retransmissions), done.scan.seconds,
                  static_cast<unsigned long long>(done.scan.replies), static_cast<unsigned long long>(done.scan.strays),
                  static_cast<unsigned long long>(done.perfect));
    err << line;
    os_interrupted = done.scan.interrupted;
    os_error = done.scan.error;
  }
  if (io->failed()) err << "portsweep: packet I/O failed: " << io->failure_message() << "\n";
  if (!report.error.empty()) err << "portsweep: the scan stopped: " << report.error << "\n";

  // The I/O session stays open for the stages after the sweep; it is closed
  // once, when the process is done with the network. -sV talks through the
  // kernel's own sockets, though, and a kernel-bypass backend (DPDK over
  // AF_XDP) keeps the interface's traffic from the kernel while it is open:
  // it lets go before -sV runs.
  bool detection_interrupted = false;
  if (probe_db && !report.stopped_early && io->backend() == "dpdk") io->close();
  // -Pn: every target is up, answered or not (nmap's "user-set"), once every
  // one has been probed; an interrupted scan lists only the hosts that answered.
  // Before -sV, which probes the open|filtered UDP ports of every host up.
  if (!discovery.discover && report.first_pass_complete) declare_targets_up(axis, &hops, outputs, err);
  if (live && report.stopped_early) live->abandon();
  if (live && hosts_skipped) live->abandon();
  if (probe_db && !report.stopped_early && !hosts_skipped)
    detection_interrupted = run_version_detection(o, *probe_db, outputs, info, err, g_interrupted,
                                                  report.first_pass_complete, live.get());

  ScanSummary summary;
  summary.end_time_us = wall_clock_us();
  summary.hosts_total = axis.size();
  summary.packets_sent = report.probes_sent + report.answers_sent;
  summary.packets_received = report.frames_received;
  summary.bytes_sent = report.io.tx_bytes;
  summary.bytes_received = report.io.rx_bytes;
  // Ports that were never probed are not reported: until every probe has
  // gone out once, an unanswered port says nothing.
  if (!report.first_pass_complete) summary.ports_scanned_for = [](const IpAddress&) { return PortsPerProto{}; };
  // -v lists the hosts discovery found down, once it asked every one.
  if (o.verbose > 0 && discovery.discover && report.first_pass_complete && !report.stopped_early)
    summary.each_target = each_target_of(axis);
  if (report.interrupted) summary.error = "interrupted";
  else if (!report.error.empty()) summary.error = report.error;
  else if (detection_interrupted) summary.error = "interrupted during version detection";
  else if (os_interrupted) summary.error = "interrupted during OS detection";
  else if (!os_error.empty()) summary.error = os_error;
  else if (io->failed()) summary.error = "packet I/O failed";
  io->close();
  try {
    outputs.end(summary);
  } catch (const std::exception& e) {
    err << "portsweep: writing the outputs failed: " << e.what() << "\n";
    if (report.error.empty()) report.error = e.what();
  }
  print_summary(report, err);

  if (report.stopped_early) {
    if (!sweep_ports && discovery.discover) return report.interrupted ? 130 : 1;  // said above: nothing to resume
    if (!log) {
      err << "portsweep: " << (report.interrupted ? "interrupted" : "stopped") << "; no resume file could be written\n";
      return report.interrupted ? 130 : 1;
    }
    write_resume_file(kResumePath, resume_state(report.stopped_at, std::move(report.answered)));
    err << "portsweep: " << (report.interrupted ? "interrupted" : "stopped") << "; continue with: portsweep --resume "
        << kResumePath << "\n";
    return report.interrupted ? 130 : 1;
  }
  // Complete: the log (and any checkpoint) has served its purpose.
  log.reset();
  remove_resume_file(kResumePath);
  // A resumed scan that completed has used up its resume file.
  if (!given.resume.empty() && io->failed() == false && report.error.empty()) {
    remove_resume_file(given.resume);
    err << "portsweep: the scan is complete; removed " << given.resume << "\n";
  }
  if (os_interrupted) return 130;
  return io->failed() || !report.error.empty() || !os_error.empty() ? 1 : 0;
}

}  // namespace portsweep
