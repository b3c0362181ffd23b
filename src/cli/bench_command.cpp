#include "cli/family_scope.hpp"
#include "cli/bench_command.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <random>
#include <thread>

#include "cli/evasion_options.hpp"
#include "cli/scan_plan.hpp"
#include "common/error.hpp"
#include "engine/tx_benchmark.hpp"
#include "io/scan_path.hpp"
#include "probes/probe_module.hpp"
#include "targets/ipv4.hpp"
#include "targets/target_spec.hpp"

namespace portsweep {

namespace {

// Enough distinct frames that a device sees a stream, not one frame
// repeated (hash-based queue spreading, caches), few enough to stay in L2.
constexpr size_t kMaxFrames = 4096;
constexpr size_t kMinFrames = 1024;

std::atomic<bool> g_stop{false};
extern "C" void on_bench_signal(int) { g_stop.store(true); }

std::vector<std::vector<uint8_t>> build_frames(const ScanScope& scope, const ProbeConfig& probe) {
  auto prober = find_probe_module("tcp_syn")->create(probe);
  std::vector<uint16_t> ports = scope.ports.ports(Proto::Tcp);
  if (ports.empty()) throw UsageError("--bench-tx needs TCP ports to send SYNs to (-p).");
  const uint64_t addresses = scope.targets.addresses.size();
  // At least a few bursts' worth even for one target and port: the same
  // (address, port) then repeats, with its own source port each time.
  const uint64_t total = std::clamp<uint64_t>(addresses * ports.size(), kMinFrames, kMaxFrames);
  std::vector<std::vector<uint8_t>> frames;
  std::vector<uint8_t> buf(prober->max_frame_size());
  uint8_t* ptr = buf.data();
  for (uint64_t i = 0; i < total; ++i) {
    ProbeTarget t{scope.targets.addresses.at(i % addresses),
                  ports[(i / addresses) % ports.size()]};
    uint16_t len = 0;
    prober->write_probes(std::span<const ProbeTarget>(&t, 1), &ptr, &len);
    frames.emplace_back(buf.begin(), buf.begin() + len);
  }
  return frames;
}

}  // namespace

int run_bench_tx(const ScanOptions& o, std::ostream& out, std::ostream& err) {
  refuse_evasion_options(o, [](const std::string& option, const char* what) {
    throw UsageError(option + " " + what + ", and --bench-tx sends plain SYNs only");
  });
  if (o.rx_threads) throw UsageError("--rx-threads sets the threads that read replies, and --bench-tx reads none.");
  ScanScope scope = resolve_scope(o);
  refuse_ipv6_targets(scope, "--bench-tx");
  for (const auto& w : scope.warnings) err << "WARNING: " << w << "\n";
  if (scope.targets.addresses.empty()) {
    throw UsageError("--bench-tx needs a target to address its frames to, e.g. 198.19.0.5.");
  }
  ScanPath path = resolve_path(o, scope);

  std::random_device rd;
  std::mt19937_64 rng((uint64_t{rd()} << 32) ^ rd());
  ProbeConfig probe;
  probe.src_mac = path.src_mac.bytes;
  probe.dst_mac = path.next_hop_mac.bytes;
  probe.src_ip = path.src_ip;
  probe.ttl = static_cast<uint8_t>(o.ttl);
  probe.src_ports = {static_cast<uint16_t>(40000 + rng() % 16000), 4096};
  probe.cookie_key = random_cookie_key();

  TxBenchConfig bench;
  bench.frames = build_frames(scope, probe);
  bench.rate_pps = o.rate.value_or(o.max_rate.value_or(0));
  bench.duration_s = o.duration;
  unsigned cores = std::max(2u, std::thread::hardware_concurrency());
  bench.threads = o.tx_threads ? o.tx_threads : cores - 1;

  IoConfig io_cfg;
  io_cfg.backend = o.io;
  io_cfg.iface = path.iface;
  io_cfg.tx_queues = bench.threads + 1;  // like a scan: the last queue is for answers, unused here
  // Nothing is received; a filter nothing matches keeps a capture idle.
  io_cfg.rx_filter = "ether proto 0xffff";
  io_cfg.rx_buffer_bytes = size_t{1} << 20;
  io_cfg.local_ip = path.src_ip;
  if (!o.dpdk_args.empty()) io_cfg.options.emplace_back("eal-args", o.dpdk_args);
  if (!o.pcap_tx.empty()) io_cfg.options.emplace_back("tx", o.pcap_tx);
  auto io = open_packet_io(io_cfg);

  out << "bench-tx: " << bench.frames.size() << " SYN frames of " << bench.frames[0].size()
      << " bytes from " << format_ipv4(path.src_ip) << " to " << format_ipv4(scope.targets.addresses.at(0))
      << (scope.targets.addresses.size() > 1 ? "..." : "") << " via " << path.next_hop_mac.to_string()
      << " on " << path.iface << " (" << io->backend() << "), " << bench.threads
      << " TX queue" << (bench.threads == 1 ? "" : "s") << ", "
      << (bench.rate_pps > 0 ? std::to_string(static_cast<uint64_t>(bench.rate_pps)) + " pps"
                             : std::string("top speed"))
      << " for " << bench.duration_s << " s\n";

  struct sigaction sa{};
  sa.sa_handler = on_bench_signal;
  sa.sa_flags = SA_RESETHAND;  // a second Ctrl-C ends the process at once
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  run_tx_benchmark(bench, *io, out, g_stop);
  bool failed = io->failed();
  if (failed) err << "portsweep: packet I/O failed: " << io->failure_message() << "\n";
  io->close();
  IoStats s = io->stats();
  out << "bench-tx: I/O counters: tx_packets " << s.tx_packets << ", tx_errors " << s.tx_errors;
  for (const auto& c : s.extra) out << ", " << c.name << " " << c.value;
  out << "\n";
  return failed ? 1 : 0;
}

}  // namespace portsweep
