#include "io/dpdk_eal_args.hpp"

#include <algorithm>
#include <charconv>
#include <initializer_list>

#include "common/error.hpp"

namespace portsweep {

namespace {

// True if `arg` is one of the spellings: "--opt", "--opt=value", or for a
// short option "-x" also "-xvalue" (getopt's glued form).
bool is_option(const std::string& arg, std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    if (arg == name) return true;
    if (name.size() > 2 && name.starts_with("--")) {
      if (arg.size() > name.size() && arg.starts_with(name) && arg[name.size()] == '=') return true;
    } else if (name.size() == 2 && arg.size() > 2 && arg.starts_with(name) && arg[1] != '-') {
      return true;
    }
  }
  return false;
}

bool has_option(const std::vector<std::string>& args,
                std::initializer_list<std::string_view> names) {
  return std::any_of(args.begin(), args.end(),
                     [&](const std::string& a) { return is_option(a, names); });
}

unsigned round_to_pow2_minus_1(unsigned n) {
  unsigned p = 1;
  while (p - 1 < n) p <<= 1;
  return p - 1;
}

}  // namespace

std::vector<std::string> split_dpdk_args(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0;
      else cur += c;
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) out.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (quote != 0) {
    throw UsageError("invalid --dpdk-args \"" + std::string(text) + "\": a " +
                     (quote == '"' ? "double" : "single") + " quote is not closed.");
  }
  if (in_word) out.push_back(std::move(cur));
  return out;
}

std::vector<std::string> build_eal_args(const EalPlan& plan) {
  const auto& user = plan.user_args;
  std::vector<std::string> args{"portsweep"};
  if (!has_option(user, {"-l", "-c", "--lcores"})) {
    args.push_back("-l");
    args.push_back(std::to_string(plan.main_cpu));
  }
  if (!has_option(user, {"--file-prefix"})) args.push_back("--file-prefix=" + plan.file_prefix);
  if (!has_option(user, {"-a", "--allow", "-b", "--block", "--no-pci"})) args.push_back("--no-pci");
  const bool memory_given =
      has_option(user, {"--no-huge", "--in-memory", "-m", "--socket-mem", "--huge-dir"});
  if (!memory_given) {
    if (plan.hugepages) {
      args.push_back("--in-memory");
    } else {
      args.push_back("--no-huge");
      args.push_back("-m");
      args.push_back(std::to_string(plan.memory_mb));
      args.push_back("--no-shconf");
    }
  }
  if (!has_option(user, {"--telemetry", "--no-telemetry"})) args.push_back("--no-telemetry");
  if (!has_option(user, {"--log-level"})) args.push_back("--log-level=warning");
  args.insert(args.end(), user.begin(), user.end());
  return args;
}

bool eal_args_name_device(const std::vector<std::string>& args) {
  return has_option(args, {"-a", "--allow", "--vdev"});
}

std::string_view vdev_driver(VdevKind kind) {
  return kind == VdevKind::AfXdp ? "net_af_xdp" : "net_af_packet";
}

std::string vdev_name(VdevKind kind, unsigned index) {
  return std::string(vdev_driver(kind)) + std::to_string(index);
}

std::string vdev_args(VdevKind kind, std::string_view iface, unsigned queues, bool qdisc_bypass) {
  std::string a = "iface=" + std::string(iface);
  if (kind == VdevKind::AfXdp) {
    a += ",queue_count=" + std::to_string(queues);
  } else {
    // 2048 frames of 2 KB per queue instead of the driver's 512: a TX burst
    // then never waits for the kernel to drain the ring at full rate.
    a += ",qpairs=" + std::to_string(queues) + ",blocksz=4096,framesz=2048,framecnt=2048";
    a += qdisc_bypass ? ",qdisc_bypass=1" : ",qdisc_bypass=0";
  }
  return a;
}

std::string xdp_queue_vdev_args(std::string_view iface, unsigned queue) {
  return "iface=" + std::string(iface) + ",start_queue=" + std::to_string(queue) + ",queue_count=1";
}

XdpQueues xdp_queues(const EthtoolChannels& ch) {
  if (ch.combined != 0) return XdpQueues{ch.combined, false};
  // A socket binds one queue for both directions: both must exist.
  const unsigned pairs = std::min(ch.rx, ch.tx);
  if (pairs > 1) return XdpQueues{pairs, true};
  return XdpQueues{1, false};
}

unsigned device_queue_count(unsigned tx_queues, unsigned rx_queues, unsigned available) {
  return std::max(1u, std::min(std::max(tx_queues, rx_queues), available));
}

std::vector<VdevKind> vdev_preference(unsigned tx_queues, unsigned rx_queues, unsigned channels) {
  const unsigned answers = std::max(1u, rx_queues);
  const unsigned senders = tx_queues > answers ? tx_queues - answers : 1;
  if (channels >= senders) return {VdevKind::AfXdp, VdevKind::AfPacket};
  return {VdevKind::AfPacket, VdevKind::AfXdp};
}

unsigned free_hugepages(std::string_view meminfo) {
  constexpr std::string_view key = "HugePages_Free:";
  size_t at = meminfo.find(key);
  if (at == std::string_view::npos) return 0;
  size_t p = at + key.size();
  while (p < meminfo.size() && (meminfo[p] == ' ' || meminfo[p] == '\t')) ++p;
  unsigned n = 0;
  std::from_chars(meminfo.data() + p, meminfo.data() + meminfo.size(), n);
  return n;
}

unsigned mbufs_per_queue(const MbufBudget& b) {
  // AF_XDP stocks its fill ring with 2048 buffers at set-up and keeps it
  // stocked; TX buffers wait in its 2048-entry completion ring until the next
  // TX call reclaims them.
  constexpr unsigned kXdpFill = 2048, kXdpCompletion = 2048;
  unsigned rx = (b.af_xdp ? kXdpFill : b.ring_size) + b.rx_burst;
  unsigned tx = b.ring_size + (b.af_xdp ? kXdpCompletion : 0) + b.tx_burst;
  // A cache holds up to 1.5x its size before flushing, plus one bulk in flight.
  unsigned caches = b.threads * (b.cache * 3 / 2 + b.tx_burst);
  return round_to_pow2_minus_1(rx + tx + caches);
}

unsigned eal_memory_mb(size_t pools, unsigned mbufs_each, unsigned mbuf_bytes) {
  size_t bytes = pools * size_t{mbufs_each} * mbuf_bytes;
  size_t mb = (bytes >> 20) * 2 + 128;
  return static_cast<unsigned>(std::max<size_t>(mb, 512));
}

}  // namespace portsweep
