// The DPDK backend. On any Linux interface it puts a virtual device on it:
// net_af_xdp (the kernel hands frames to us through an AF_XDP socket, no
// per-packet syscall on RX, the UMEM shared with our mbufs), or net_af_packet
// where AF_XDP cannot attach. With --dpdk-args naming a device (-a PCI for a
// vfio-bound NIC, or --vdev), that device is used instead.
//
// Queues: the engine asks for one TX queue per TX thread plus one per
// receive queue for that RX thread's answers. The device gets as many queue
// pairs as either side uses, within what it has (an AF_XDP socket binds to
// one of the interface's queues; a veth has as many as it was made with),
// and logical TX queues map onto them round-robin. A device queue used by a
// single logical queue is driven lock-free by that queue's thread; one shared
// by several is serialised by a flag held for one tx_burst. An RX thread never
// waits for that flag: what it sends (RSTs, ARP replies) goes into its own
// DeferredFrames ring, and whoever holds the device queue next sends it.
//
// Receive queue r (recv_queue_burst, one thread each) reads device queues r,
// r + R, r + 2R... for R receive queues, so every device queue is read by
// exactly one thread; the device spreads flows over its queues (RSS on a
// NIC, the peer's TX queue on a veth, a fanout hash with AF_PACKET). Each
// receive queue holds its own mbufs, so nothing on the receive path is
// shared between RX threads but the read-only capture filter. recv_burst, for
// a single receiving thread, reads every device queue with receive queue 0's
// state.
//
// A veth has RX and TX channels but no combined ones, and DPDK's AF_XDP
// driver takes only combined ones for queue_count; so on a veth each queue
// is a net_af_xdp device (port) of its own, bound with start_queue
// (dpdk_eal_args.hpp, XdpQueues). A device queue is therefore a (port,
// queue) pair.
//
// The engine's threads are std::threads; each registers itself as a non-EAL
// lcore on its first burst (dpdk_eal.hpp says why). One mempool per device
// queue pair, sized from the rings and bursts (dpdk_eal_args.hpp), serves
// that pair's RX and TX: with AF_XDP it is the UMEM, so TX mbufs go out with
// no second copy.
//
// Because the kernel no longer sees the interface's traffic under AF_XDP (or
// a vfio NIC), recv_burst answers ARP requests for IoConfig::local_ip and
// Neighbor Solicitations for IoConfig::local_ip6: the next hop re-checks our
// MAC every few seconds and would stop sending replies.
#include <linux/ethtool.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>
#include <rte_pause.h>
#include <rte_version.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "io/arp_responder.hpp"
#include "io/deferred_frames.hpp"
#include "io/dpdk_eal.hpp"
#include "io/dpdk_eal_args.hpp"
#include "io/dpdk_leftovers.hpp"
#include "io/nd_responder.hpp"
#include "io/packet_io.hpp"
#include "io/xdp_link.hpp"

namespace portsweep {

namespace {

constexpr uint16_t kRingSize = 2048;      // descriptors per RX and TX ring
constexpr unsigned kTxChunk = 64;         // mbufs per tx_burst call
constexpr unsigned kMaxRxBurst = 512;
// Larger than any bulk we take (a tx chunk of 64, an RX refill of up to 64):
// DPDK serves a bulk at least as large as the cache from the shared ring.
constexpr unsigned kMempoolCache = 256;
// Every mempool object (header, mbuf, buffer) is exactly 2 KB. AF_XDP takes
// the RX pool's memory as its UMEM and sizes it as objects x object size;
// a mempool never lets an object cross a page (4 KB without hugepages, 2 MB
// with), so a larger object would leave padding the UMEM does not cover, and
// the kernel rejects every descriptor pointing past its end: frames silently
// lost on TX, buffers lost from the fill ring on RX. 2 KB objects tile any
// page exactly. The buffer still holds 1728 bytes after the headroom.
constexpr unsigned kMbufBytes = 2048;
constexpr unsigned kPoolObjectBytes = RTE_MBUF_DEFAULT_BUF_SIZE + sizeof(rte_mbuf) + 128;  // for -m
constexpr auto kLinkCheckEvery = std::chrono::milliseconds(500);

inline void bump(std::atomic<uint64_t>& c, uint64_t n) noexcept {
  c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}
inline uint64_t read(const std::atomic<uint64_t>& c) noexcept {
  return c.load(std::memory_order_relaxed);
}

int64_t monotonic_us() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

int64_t wall_us() noexcept {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

// A Linux interface's channels (xdp_queues() turns them into AF_XDP
// queues); all zero when it reports none.
EthtoolChannels interface_channels(const std::string& iface) {
  int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  ethtool_channels ch{};
  ch.cmd = ETHTOOL_GCHANNELS;
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface.c_str());
  ifr.ifr_data = reinterpret_cast<char*>(&ch);
  int rc = ::ioctl(fd, SIOCETHTOOL, &ifr);
  ::close(fd);
  if (rc != 0) return {};
  return EthtoolChannels{ch.max_combined != 0 ? ch.combined_count : 0, ch.rx_count, ch.tx_count};
}

// An mbuf pool whose objects are exactly kMbufBytes (see there): no channel
// spreading padding (RTE_MEMPOOL_F_NO_SPREAD), so header + mbuf + buffer add
// up to 2 KB. This is rte_pktmbuf_pool_create with that one flag added.
rte_mempool* create_tiled_pool(const char* name, unsigned n, int socket) {
  const uint32_t elt = kMbufBytes - RTE_CACHE_LINE_SIZE;  // the object header takes one line
  const uint16_t room = static_cast<uint16_t>(elt - sizeof(rte_mbuf));
  if (rte_mempool_calc_obj_size(elt, RTE_MEMPOOL_F_NO_SPREAD, nullptr) != kMbufBytes) {
    rte_errno = EINVAL;  // a DPDK whose object header is not one cache line
    return nullptr;
  }
  rte_mempool* mp = rte_mempool_create_empty(name, n, elt, kMempoolCache,
                                             sizeof(rte_pktmbuf_pool_private), socket,
                                             RTE_MEMPOOL_F_NO_SPREAD);
  if (mp == nullptr) return nullptr;
  rte_pktmbuf_pool_private priv{};
  priv.mbuf_data_room_size = room;
  priv.mbuf_priv_size = 0;
  if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(), nullptr) != 0) {
    rte_mempool_free(mp);
    return nullptr;
  }
  rte_pktmbuf_pool_init(mp, &priv);
  if (rte_mempool_populate_default(mp) < 0) {
    rte_mempool_free(mp);
    return nullptr;
  }
  rte_mempool_obj_iter(mp, rte_pktmbuf_init, nullptr);
  return mp;
}

unsigned first_allowed_cpu() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    for (unsigned c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) return c;
  }
  return 0;
}

std::string read_text(const char* path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// File descriptors of this process's AF_XDP sockets.
std::vector<int> af_xdp_sockets() {
  std::vector<int> fds;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    std::string name = e.path().filename().string();
    std::from_chars(name.data(), name.data() + name.size(), fd);
    int domain = 0;
    socklen_t len = sizeof domain;
    if (fd > 2 && getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_XDP) {
      fds.push_back(fd);
    }
  }
  return fds;
}

std::optional<uint64_t> own_start_time() {
  auto view = live_system_view();
  return view.process_start_time(static_cast<long>(::getpid()));
}

struct RxQueue;

struct alignas(64) DeviceQueue {
  rte_mempool* pool = nullptr;
  uint16_t port = RTE_MAX_ETHPORTS;  // the DPDK port and its queue
  uint16_t queue = 0;
  bool shared = false;  // more than one thread may send on it: take `busy`
  bool hosts_answers = false;  // answer queues are on it: its holders send their deferred frames
  std::atomic<bool> busy{false};
  std::vector<RxQueue*> answers;  // whose deferred frames (set up once, read under `busy`)
};

// One receive queue's state, touched by its one thread; stats() reads the
// counters.
struct alignas(64) RxQueue {
  unsigned answer_tx = 0;  // the TX queue its answers go out on
  uint16_t next = 0;       // which of its device queues to poll first
  // Frames handed out by the last call stay in their mbufs until the next.
  std::array<rte_mbuf*, kMaxRxBurst> mbufs{};
  std::array<rte_mbuf*, kMaxRxBurst> held{};
  size_t n_held = 0;
  DeferredFrames deferred;  // its ARP/ND replies and RSTs, for its answer queue
  alignas(64) std::atomic<uint64_t> packets{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> filtered{0};
  std::atomic<uint64_t> arp_replies{0};
  std::atomic<uint64_t> nd_replies{0};
};

// Frames kept from one device queue, for the summary (rx_q0, rx_q1...):
// shows how the device spread the replies.
struct alignas(64) DeviceQueueCount {
  std::atomic<uint64_t> frames{0};
};

struct alignas(64) TxQueue {
  uint16_t device_queue = 0;
  std::atomic<uint64_t> packets{0};
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> errors{0};
  std::atomic<uint64_t> queue_full{0};
  std::atomic<uint64_t> nombuf{0};
  std::atomic<uint64_t> queue_busy{0};  // a shared device queue stayed taken
  // Zero-copy transmit: the mbufs lent to the engine (tx_lend) that
  // tx_commit has not sent yet, lent[lent_head, lent_count). Touched only by
  // the queue's one sending thread. At most one tx chunk: the pool's budget
  // counts one bulk out of it per thread (mbufs_per_queue).
  std::array<rte_mbuf*, kTxChunk> lent{};
  uint16_t lent_head = 0;
  uint16_t lent_count = 0;
  bool lent_fresh = false;  // lent and not committed since: the first commit returns the surplus
};

class DpdkIo final : public PacketIo {
 public:
  explicit DpdkIo(const IoConfig& config);
  ~DpdkIo() override { close(); }

  std::string_view backend() const noexcept override { return "dpdk"; }
  unsigned tx_queues() const noexcept override { return static_cast<unsigned>(tx_.size()); }
  size_t send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept override;
  bool lends_tx_buffers() const noexcept override { return lend_; }
  size_t tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept override;
  size_t tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept override;
  size_t recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept override;
  unsigned rx_queues() const noexcept override { return static_cast<unsigned>(rx_.size()); }
  size_t recv_queue_burst(unsigned queue, RxFrame* out, size_t max, int timeout_ms) noexcept override;
  IoStats stats() const override;
  bool failed() const noexcept override {
    return failure_state_.load(std::memory_order_acquire) == kFailureReady;
  }
  std::string failure_message() const override { return failed() ? failure_ : std::string(); }
  void close() override;

 private:
  void start(const IoConfig& config, const std::vector<std::string>& user_args);
  bool open_vdev(VdevKind kind, const IoConfig& config, unsigned queues, bool device_per_queue,
                 std::string& why);
  bool probe_vdev(const std::string& name, const std::string& args, std::string& why);
  void setup_port(const IoConfig& config, unsigned queues);
  void setup_rx(const IoConfig& config);
  // forget_queues: a failed attempt, whose counters mean nothing; close()
  // keeps them for stats().
  void release_port(bool forget_queues) noexcept;
  void compile_filter(const IoConfig& config);
  size_t send_chunk(TxQueue& q, const TxFrame* frames, size_t n) noexcept;
  bool acquire(DeviceQueue& dq) noexcept;
  static void release(DeviceQueue& dq) noexcept {
    if (dq.shared) dq.busy.store(false, std::memory_order_release);
  }
  size_t receive(RxQueue& rq, unsigned first, unsigned stride, RxFrame* out, size_t max,
                 int timeout_ms) noexcept;
  size_t poll_rx(RxQueue& rq, unsigned first, unsigned stride, RxFrame* out, size_t max) noexcept;
  void flush_deferred(RxQueue& rq) noexcept;
  size_t send_answers(RxQueue& rq, const TxFrame* frames, size_t n) noexcept;
  void send_deferred(DeviceQueue& dq) noexcept;
  size_t transmit(TxQueue& q, DeviceQueue& dq, const TxFrame* frames, size_t n) noexcept;
  static void give_back(TxQueue& q) noexcept;
  static uint16_t buffer_room(const DeviceQueue& dq) noexcept {
    return static_cast<uint16_t>(rte_pktmbuf_data_room_size(dq.pool) - RTE_PKTMBUF_HEADROOM);
  }
  bool try_acquire(DeviceQueue& dq) noexcept;
  void check_link() noexcept;
  rte_eth_stats port_stats() const noexcept;  // summed over ports_
  void record_failure(const char* detail) noexcept;

  std::string iface_;
  int ifindex_ = 0;
  long pid_ = 0;
  bool started_eal_ = false;
  bool wrote_owner_ = false;
  bool closed_ = false;
  // One port, or with one AF_XDP device per queue one port per device queue.
  std::vector<uint16_t> ports_;
  bool own_vdevs_ = false;      // created by us; false with a device from --dpdk-args
  std::string driver_;
  bool kernel_blind_ = false;   // the kernel does not see our traffic: answer ARP
  uint32_t xdp_prog_id_ = 0;    // the program the AF_XDP driver attached
  // The driver's AF_XDP sockets, for the kernel's own counters: DPDK 22.11
  // reports only their drops, and a descriptor the kernel rejects (frame
  // silently not sent) shows up nowhere else.
  std::vector<int> xsk_fds_;

  std::vector<std::unique_ptr<DeviceQueue>> dev_;
  std::vector<std::unique_ptr<TxQueue>> tx_;
  // Per TX queue: the receive queue whose answers it carries, or none.
  std::vector<RxQueue*> answer_of_;
  // The engine writes probes into our mbufs (tx_lend); PORTSWEEP_DPDK_TX=copy
  // turns that off, so the copying path can be measured against it.
  bool lend_ = true;

  std::vector<std::unique_ptr<RxQueue>> rx_;
  std::unique_ptr<DeviceQueueCount[]> rx_by_device_queue_;
  size_t rx_burst_ = 256;
  uint32_t snaplen_ = 512;
  bpf_program filter_{};
  bool have_filter_ = false;
  uint32_t local_ip_ = 0;
  u128 local_ip6_ = 0;
  bool has_local_ip6_ = false;
  MacAddr local_mac_;
  int link_fd_ = -1;
  std::chrono::steady_clock::time_point next_link_check_{};

  rte_eth_stats final_{};

  static constexpr int kFailureNone = 0, kFailureWriting = 1, kFailureReady = 2;
  std::atomic<int> failure_state_{kFailureNone};
  char failure_[320] = {};
};

DpdkIo::DpdkIo(const IoConfig& config) : iface_(config.iface), pid_(static_cast<long>(::getpid())) {
  std::vector<std::string> user_args;
  for (const auto& [key, value] : config.options) {
    if (key == "eal-args") {
      auto more = split_dpdk_args(value);
      user_args.insert(user_args.end(), more.begin(), more.end());
    } else {
      throw UsageError("unknown dpdk I/O option \"" + key + "\": the only one is eal-args.");
    }
  }
  if (config.tx_queues == 0) throw UsageError("the dpdk I/O backend needs at least one TX queue.");
  if (config.rx_queues == 0 || config.rx_queues > config.tx_queues) {
    throw UsageError("the dpdk I/O backend needs 1 to " + std::to_string(config.tx_queues) +
                     " receive queues (one answer queue each among the TX queues), not " +
                     std::to_string(config.rx_queues) + ".");
  }
  const bool user_device = eal_args_name_device(user_args);
  if (iface_.empty() && !user_device) {
    throw UsageError("the dpdk I/O backend needs an interface (-e IFACE) or a device in --dpdk-args.");
  }
  if (!iface_.empty()) {
    ifindex_ = static_cast<int>(if_nametoindex(iface_.c_str()));
    if (ifindex_ == 0 && !user_device) {
      throw RuntimeFailure("there is no interface named \"" + iface_ + "\" for DPDK to use.");
    }
  }
  if (const char* tx = std::getenv("PORTSWEEP_DPDK_TX")) {
    if (std::strcmp(tx, "copy") != 0 && std::strcmp(tx, "lend") != 0) {
      throw UsageError(std::string("PORTSWEEP_DPDK_TX is \"") + tx + "\": expected copy or lend.");
    }
    lend_ = std::strcmp(tx, "lend") == 0;
  }
  snaplen_ = std::max<uint32_t>(config.rx_snaplen, 64);
  rx_burst_ = std::clamp<size_t>(config.rx_burst, 1, kMaxRxBurst);
  local_ip_ = config.local_ip;
  local_ip6_ = load_ipv6(config.local_ip6.data());
  has_local_ip6_ = config.has_local_ip6;
  try {
    start(config, user_args);
  } catch (...) {
    close();
    throw;
  }
}

void DpdkIo::start(const IoConfig& config, const std::vector<std::string>& user_args) {
  if (dpdk::eal_used()) {
    throw RuntimeFailure("DPDK was already started in this process; it can only be started once.");
  }
  // Leftovers of killed runs first: their XDP program would keep ours off
  // the interface, and their directories pile up.
  for (const auto& note : clean_leftovers(kDpdkRuntimeRoot, live_system_view())) {
    std::cerr << "portsweep: " << note << "\n";
  }
  const bool user_device = eal_args_name_device(user_args);
  const unsigned wanted = config.tx_queues;
  const XdpQueues xdp = xdp_queues(interface_channels(iface_));
  // AF_XDP binds every queue of the interface, however few threads use
  // them: the kernel hands a frame arriving on a queue without a socket to
  // its own stack, and we would never see it.
  const unsigned xdp_device_queues = xdp.count;

  RunOwner owner;
  owner.pid = pid_;
  owner.start_time = own_start_time().value_or(0);
  owner.netns = current_netns();
  owner.ifindex = ifindex_;
  owner.iface = iface_;
  owner.xdp = !user_device;
  wrote_owner_ = true;  // before writing: a half-written record is removed too
  write_run_owner(kDpdkRuntimeRoot, owner);

  MbufBudget budget;
  budget.ring_size = kRingSize;
  budget.rx_burst = static_cast<unsigned>(rx_burst_);
  budget.tx_burst = kTxChunk;
  budget.threads = wanted + 2;  // as setup_port counts them, at most
  budget.cache = kMempoolCache;
  budget.af_xdp = true;
  EalPlan plan;
  plan.file_prefix = runtime_prefix(pid_);
  plan.main_cpu = first_allowed_cpu();
  const unsigned pools = std::max(device_queue_count(wanted, config.rx_queues, ~0u), xdp.count);
  plan.memory_mb = eal_memory_mb(pools, mbufs_per_queue(budget), kPoolObjectBytes);
  // Hugepages only when enough are free for the pools (2 MB pages assumed).
  plan.hugepages = free_hugepages(read_text("/proc/meminfo")) * 2 >= plan.memory_mb;
  plan.user_args = user_args;
  dpdk::start_eal(build_eal_args(plan));
  started_eal_ = true;
  dpdk::quiet_bpf_libraries();

  if (user_device) {
    uint16_t id = 0;
    RTE_ETH_FOREACH_DEV(id) {
      ports_.push_back(id);
      break;
    }
    if (ports_.empty()) {
      throw RuntimeFailure("DPDK found no usable port with --dpdk-args; check the device "
                           "(-a PCI address bound to vfio-pci, or --vdev).");
    }
    rte_eth_dev_info info{};
    rte_eth_dev_info_get(ports_[0], &info);
    driver_ = info.driver_name != nullptr ? info.driver_name : "?";
    kernel_blind_ = driver_ != "net_af_packet";
    const unsigned most = std::min<unsigned>(info.max_tx_queues, info.max_rx_queues);
    setup_port(config, device_queue_count(wanted, config.rx_queues, most));
  } else {
    std::vector<VdevKind> order = vdev_preference(wanted, config.rx_queues, xdp.count);
    if (order.front() != VdevKind::AfXdp) {
      std::cerr << "portsweep: \"" << iface_ << "\" has " << xdp.count << " queue"
                << (xdp.count == 1 ? "" : "s") << " for AF_XDP and "
                << wanted - config.rx_queues
                << " TX threads would queue behind each other: using AF_PACKET through DPDK, "
                   "a socket per thread.\n";
    }
    std::string failures;
    bool opened = false;
    for (VdevKind kind : order) {
      std::string why;
      // AF_PACKET takes any number of sockets: as many as the TX queues.
      const bool xdp_kind = kind == VdevKind::AfXdp;
      const unsigned queues =
          xdp_kind ? xdp_device_queues : device_queue_count(wanted, config.rx_queues, ~0u);
      if (open_vdev(kind, config, queues, xdp_kind && xdp.device_per_queue && queues > 1, why)) {
        opened = true;
        break;
      }
      std::cerr << "portsweep: " << vdev_driver(kind) << " is not available on \"" << iface_
                << "\" (" << why << ")" << (kind == order.back() ? ".\n" : "; trying the next.\n");
      failures += (failures.empty() ? "" : "; ") + std::string(vdev_driver(kind)) + ": " + why;
    }
    if (!opened) throw RuntimeFailure("DPDK cannot drive \"" + iface_ + "\": " + failures + ".");
  }
  compile_filter(config);
  link_fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  next_link_check_ = std::chrono::steady_clock::now() + kLinkCheckEvery;
  std::cerr << "portsweep: DPDK " << rte_version() + 5 << " drives \""
            << (iface_.empty() ? std::string("its device") : iface_) << "\" through " << driver_
            << ": " << dev_.size() << " device queue pair" << (dev_.size() == 1 ? "" : "s")
            << (ports_.size() > 1 ? " (a device each)" : "") << " for " << tx_.size()
            << " TX queue" << (tx_.size() == 1 ? "" : "s") << " and " << rx_.size()
            << " receive queue" << (rx_.size() == 1 ? "" : "s") << ".\n";
}

// Hot-plugs one virtual device and adds its port to ports_.
bool DpdkIo::probe_vdev(const std::string& name, const std::string& args, std::string& why) {
  int rc = rte_dev_probe((name + "," + args).c_str());
  if (rc != 0) {
    std::string bpf = dpdk::last_bpf_message();
    why = "creating " + name + "," + args + " failed: " + rte_strerror(-rc) +
          (bpf.empty() ? "" : "; " + bpf);
    return false;
  }
  uint16_t port = RTE_MAX_ETHPORTS;
  if (rte_eth_dev_get_port_by_name(name.c_str(), &port) != 0) {
    why = "no port for " + name;
    // Not in ports_, so release_port would not remove it.
    rte_eal_hotplug_remove("vdev", name.c_str());
    return false;
  }
  ports_.push_back(port);
  return true;
}

bool DpdkIo::open_vdev(VdevKind kind, const IoConfig& config, unsigned queues,
                       bool device_per_queue, std::string& why) {
  // Hot-plugged after EAL started, so a failed AF_XDP attempt can be
  // followed by AF_PACKET (EAL itself cannot be started twice).
  own_vdevs_ = true;
  if (device_per_queue) {
    for (unsigned q = 0; q < queues; ++q) {
      if (!probe_vdev(vdev_name(kind, q), xdp_queue_vdev_args(iface_, q), why)) {
        release_port(true);
        return false;
      }
    }
  } else if (!probe_vdev(vdev_name(kind), vdev_args(kind, iface_, queues, config.qdisc_bypass),
                         why)) {
    release_port(true);
    return false;
  }
  driver_ = std::string(vdev_driver(kind));
  kernel_blind_ = kind == VdevKind::AfXdp;
  try {
    setup_port(config, queues);
  } catch (const std::exception& e) {
    why = e.what();
    std::string bpf = dpdk::last_bpf_message();
    if (!bpf.empty()) why += " (" + bpf + ")";
    release_port(true);
    return false;
  }
  if (kind == VdevKind::AfXdp) {
    if (auto x = xdp_attachment(ifindex_)) xdp_prog_id_ = x->prog_id;
    xsk_fds_ = af_xdp_sockets();
  }
  return true;
}

// Sets up `queues` device queue pairs over ports_: all on the one port, or
// one on each port when every queue is a device of its own.
void DpdkIo::setup_port(const IoConfig& config, unsigned queues) {
  uint16_t port = ports_.front();
  auto fail = [&](const char* what, int rc) {
    throw RuntimeFailure(std::string(what) + " on DPDK port " + std::to_string(port) + " (" +
                         driver_ + ") failed: " + rte_strerror(rc < 0 ? -rc : rte_errno) + ".");
  };
  if (ports_.size() != 1 && ports_.size() != queues) {
    rte_errno = EINVAL;
    fail("spreading the queues over the ports", -EINVAL);
  }
  const unsigned per_port = queues / static_cast<unsigned>(ports_.size());
  const int socket = rte_eth_dev_socket_id(port) < 0 ? 0 : rte_eth_dev_socket_id(port);
  MbufBudget budget;
  budget.ring_size = kRingSize;
  budget.rx_burst = static_cast<unsigned>(rx_burst_);
  budget.tx_burst = kTxChunk;
  budget.cache = kMempoolCache;
  budget.af_xdp = driver_ == "net_af_xdp";
  // Threads touching one device queue's pool: its share of the TX threads
  // (answer queues included), the RX thread, and the main thread at set-up
  // and close.
  budget.threads = (config.tx_queues + queues - 1) / queues + 2;
  const unsigned n = mbufs_per_queue(budget);

  for (unsigned p = 0; p < ports_.size(); ++p) {
    port = ports_[p];
    rte_eth_conf conf{};
    if (per_port > 1) {
      // Several receive queues on one port: spread flows by their addresses
      // and ports where the device can (a NIC's RSS; the virtual devices
      // spread by themselves and offer none).
      rte_eth_dev_info info{};
      const uint64_t wanted = RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP;
      if (rte_eth_dev_info_get(port, &info) == 0 && (info.flow_type_rss_offloads & wanted) != 0) {
        conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
        conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & wanted;
      }
    }
    int rc = rte_eth_dev_configure(port, static_cast<uint16_t>(per_port),
                                   static_cast<uint16_t>(per_port), &conf);
    if (rc != 0) fail("configuring the queues", rc);
    for (unsigned pq = 0; pq < per_port; ++pq) {
      const unsigned q = p * per_port + pq;
      auto dq = std::make_unique<DeviceQueue>();
      dq->port = port;
      dq->queue = static_cast<uint16_t>(pq);
      // One pool per queue pair: AF_XDP makes an RX queue's pool the UMEM
      // that queue's socket shares with the kernel, and TX mbufs taken from
      // the same pool go out with no second copy.
      std::string pool_name = "ps_p" + std::to_string(ports_.front()) + "q" + std::to_string(q);
      dq->pool = budget.af_xdp ? create_tiled_pool(pool_name.c_str(), n, socket)
                               : rte_pktmbuf_pool_create(pool_name.c_str(), n, kMempoolCache, 0,
                                                         RTE_MBUF_DEFAULT_BUF_SIZE, socket);
      if (dq->pool == nullptr) {
        throw RuntimeFailure("cannot create a pool of " + std::to_string(n) +
                             " mbufs for DPDK queue " + std::to_string(q) + ": " +
                             rte_strerror(rte_errno) +
                             "; give more memory with --dpdk-args \"-m MB\".");
      }
      dev_.push_back(std::move(dq));
      rc = rte_eth_rx_queue_setup(port, static_cast<uint16_t>(pq), kRingSize,
                                  static_cast<unsigned>(socket), nullptr, dev_.back()->pool);
      if (rc != 0) fail("setting up RX queue", rc);
      rc = rte_eth_tx_queue_setup(port, static_cast<uint16_t>(pq), kRingSize,
                                  static_cast<unsigned>(socket), nullptr);
      if (rc != 0) fail("setting up TX queue", rc);
    }
    rc = rte_eth_dev_start(port);
    if (rc != 0) fail("starting", rc);
    if (config.promiscuous) rte_eth_promiscuous_enable(port);
  }

  rte_ether_addr mac{};
  rte_eth_macaddr_get(ports_.front(), &mac);
  std::memcpy(local_mac_.bytes.data(), mac.addr_bytes, 6);

  std::vector<unsigned> users(queues, 0);
  tx_.clear();
  for (unsigned i = 0; i < config.tx_queues; ++i) {
    auto q = std::make_unique<TxQueue>();
    q->device_queue = static_cast<uint16_t>(i % queues);
    users[q->device_queue] += 1;
    tx_.push_back(std::move(q));
  }
  for (unsigned q = 0; q < queues; ++q) dev_[q]->shared = users[q] > 1;
  setup_rx(config);
}

// Receive queues: as many as asked, within the device queues; each answers
// on its TX queue (the last rx_queues TX queues, in order), whose device
// queue is always taken by flag so that the RX thread can defer instead of
// waiting.
void DpdkIo::setup_rx(const IoConfig& config) {
  const unsigned count = std::min<unsigned>(config.rx_queues, static_cast<unsigned>(dev_.size()));
  rx_.clear();
  answer_of_.assign(tx_.size(), nullptr);
  for (auto& dq : dev_) {
    dq->answers.clear();
    dq->hosts_answers = false;
  }
  for (unsigned r = 0; r < count; ++r) {
    auto rq = std::make_unique<RxQueue>();
    rq->answer_tx = config.tx_queues - config.rx_queues + r;
    DeviceQueue& dq = *dev_[tx_[rq->answer_tx]->device_queue];
    dq.shared = true;
    dq.hosts_answers = true;
    dq.answers.push_back(rq.get());
    answer_of_[rq->answer_tx] = rq.get();
    rx_.push_back(std::move(rq));
  }
  rx_by_device_queue_ = std::make_unique<DeviceQueueCount[]>(dev_.size());
}

void DpdkIo::release_port(bool forget_queues) noexcept {
  for (uint16_t port : ports_) {
    rte_device* device = nullptr;
    rte_eth_dev_info info{};
    if (rte_eth_dev_info_get(port, &info) == 0) device = info.device;
    rte_eth_dev_stop(port);
    rte_eth_dev_close(port);
    if (own_vdevs_ && device != nullptr) rte_dev_remove(device);
  }
  ports_.clear();
  for (auto& dq : dev_) {
    rte_mempool_free(dq->pool);
    dq->pool = nullptr;
  }
  if (forget_queues) {
    dev_.clear();
    tx_.clear();
    rx_.clear();
    answer_of_.clear();
  }
}

void DpdkIo::compile_filter(const IoConfig& config) {
  if (config.rx_filter.empty()) return;
  // libpcap compiles the same expression the pcap backend gives the kernel;
  // here it runs in user space on each received frame.
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, static_cast<int>(snaplen_));
  if (dead == nullptr) throw RuntimeFailure("cannot set up libpcap to compile the capture filter.");
  int rc = pcap_compile(dead, &filter_, config.rx_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN);
  std::string err = rc != 0 ? pcap_geterr(dead) : "";
  pcap_close(dead);
  if (rc != 0) {
    throw RuntimeFailure("cannot compile the capture filter \"" + config.rx_filter + "\": " + err +
                         ".");
  }
  have_filter_ = true;
}

size_t DpdkIo::send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept {
  if (queue >= tx_.size() || closed_) return 0;
  dpdk::ensure_dpdk_thread();
  TxQueue& q = *tx_[queue];
  if (RxQueue* answering = answer_of_[queue]) return send_answers(*answering, frames, n);
  size_t done = 0;
  while (done < n) {
    size_t chunk = std::min<size_t>(n - done, kTxChunk);
    size_t sent = send_chunk(q, frames + done, chunk);
    done += sent;
    if (sent < chunk) break;
  }
  return done;
}

bool DpdkIo::try_acquire(DeviceQueue& dq) noexcept {
  return !dq.shared || !dq.busy.exchange(true, std::memory_order_acquire);
}

// Takes a shared device queue's flag for a sending thread. The holder is
// inside one burst, so spinning briefly beats sleeping; but a holder
// preempted mid-burst would keep a spinner burning its whole time slice on a
// busy machine, so after 100 us this gives up and the caller retries later
// (the engine yields the CPU between tries).
bool DpdkIo::acquire(DeviceQueue& dq) noexcept {
  if (try_acquire(dq)) return true;
  const int64_t until = monotonic_us() + 100;
  for (unsigned spins = 1;; ++spins) {
    rte_pause();
    if (!dq.busy.load(std::memory_order_relaxed) && try_acquire(dq)) return true;
    if ((spins & 63) == 0 && monotonic_us() > until) return false;
  }
}

size_t DpdkIo::send_chunk(TxQueue& q, const TxFrame* frames, size_t n) noexcept {
  DeviceQueue& dq = *dev_[q.device_queue];
  if (!acquire(dq)) {
    bump(q.queue_busy, 1);
    return 0;
  }
  size_t sent = transmit(q, dq, frames, n);
  if (dq.hosts_answers) send_deferred(dq);
  release(dq);
  return sent;
}

// A receiving thread's frames (RSTs) on its answer queue, whose device queue
// other threads may send on too: sent now if the queue is free, deferred
// otherwise; never waited for.
size_t DpdkIo::send_answers(RxQueue& rq, const TxFrame* frames, size_t n) noexcept {
  TxQueue& q = *tx_[rq.answer_tx];
  DeviceQueue& dq = *dev_[q.device_queue];
  size_t accepted = 0;
  while (accepted < n && rq.deferred.push(frames[accepted].data, frames[accepted].len)) ++accepted;
  if (accepted == 0 && n != 0 && frames[0].len > DeferredFrames::kSlotBytes) {
    // Too long for a deferral slot: this one frame waits for the queue.
    return send_chunk(q, frames, 1);
  }
  if (try_acquire(dq)) {
    send_deferred(dq);
    release(dq);
  }
  return accepted;
}

// Under the device queue's flag: one burst of deferred frames from each
// answer queue on it.
void DpdkIo::send_deferred(DeviceQueue& dq) noexcept {
  std::array<TxFrame, kTxChunk> frames;
  for (RxQueue* rq : dq.answers) {
    size_t n = rq->deferred.peek(frames.data(), frames.size());
    if (n == 0) continue;
    size_t sent = transmit(*tx_[rq->answer_tx], dq, frames.data(), n);
    rq->deferred.pop(sent);
  }
}

// Copies frames into mbufs and hands them to the device; the caller holds the
// device queue. A frame that cannot be sent at all is consumed as an error,
// but only once every frame before it went out: the return value is always
// a prefix.
size_t DpdkIo::transmit(TxQueue& q, DeviceQueue& dq, const TxFrame* frames, size_t n) noexcept {
  n = std::min<size_t>(n, kTxChunk);
  const uint16_t room = buffer_room(dq);
  size_t valid = 0;
  while (valid < n && frames[valid].len != 0 && frames[valid].len <= room) ++valid;
  if (valid == 0) {
    bump(q.errors, 1);
    return 1;
  }
  rte_mbuf* m[kTxChunk];
  if (rte_pktmbuf_alloc_bulk(dq.pool, m, static_cast<unsigned>(valid)) != 0) {
    bump(q.nombuf, 1);  // every mbuf is in flight: the device is behind, like a full ring
    return 0;
  }
  for (size_t i = 0; i < valid; ++i) {
    std::memcpy(rte_pktmbuf_mtod(m[i], uint8_t*), frames[i].data, frames[i].len);
    m[i]->data_len = frames[i].len;
    m[i]->pkt_len = frames[i].len;
  }
  uint16_t sent = rte_eth_tx_burst(dq.port, dq.queue, m, static_cast<uint16_t>(valid));
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < sent; ++i) bytes += frames[i].len;
  if (sent < valid) {
    rte_pktmbuf_free_bulk(m + sent, static_cast<unsigned>(valid - sent));
    bump(q.queue_full, 1);
  }
  bump(q.packets, sent);
  bump(q.bytes, bytes);
  return sent;
}

// Zero-copy transmit: the engine writes its probes straight into mbufs of
// the device queue's pool, so the copy transmit() makes goes away (with
// AF_XDP the pool is the UMEM: the probe is written once, where the kernel
// reads it). Per burst: one bulk allocation here, one tx_burst per commit.
size_t DpdkIo::tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept {
  if (queue >= tx_.size() || closed_ || n == 0) return 0;
  dpdk::ensure_dpdk_thread();
  TxQueue& q = *tx_[queue];
  DeviceQueue& dq = *dev_[q.device_queue];
  give_back(q);  // the contract says nothing is lent; never leak if it is
  if (room > buffer_room(dq)) {
    // No buffer will ever hold it: stop the scan with the reason rather than
    // have the engine wait for one.
    char why[96];
    std::snprintf(why, sizeof why, "a frame of %u bytes does not fit its %u-byte buffers",
                  unsigned{room}, unsigned{buffer_room(dq)});
    record_failure(why);
    return 0;
  }
  n = std::min(n, q.lent.size());
  if (rte_pktmbuf_alloc_bulk(dq.pool, q.lent.data(), static_cast<unsigned>(n)) != 0) {
    bump(q.nombuf, 1);  // every mbuf is in flight: the device is behind, like a full ring
    return 0;
  }
  for (size_t i = 0; i < n; ++i) buffers[i] = rte_pktmbuf_mtod(q.lent[i], uint8_t*);
  q.lent_head = 0;
  q.lent_count = static_cast<uint16_t>(n);
  q.lent_fresh = true;
  return n;
}

size_t DpdkIo::tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept {
  if (queue >= tx_.size() || closed_) return 0;  // close() took the lent mbufs back
  TxQueue& q = *tx_[queue];
  if (q.lent_fresh) {
    q.lent_fresh = false;
    if (n < q.lent_count) {  // the engine had fewer probes than buffers
      rte_pktmbuf_free_bulk(q.lent.data() + n, static_cast<unsigned>(q.lent_count - n));
      q.lent_count = static_cast<uint16_t>(n);
    }
  }
  if (n == 0) {
    give_back(q);
    return 0;
  }
  n = std::min<size_t>(n, q.lent_count - q.lent_head);
  if (n == 0) return 0;
  DeviceQueue& dq = *dev_[q.device_queue];
  rte_mbuf** m = q.lent.data() + q.lent_head;
  // As transmit(): an unsendable frame is consumed as an error once every
  // frame before it went out, so what is consumed is always a prefix.
  const uint16_t room = buffer_room(dq);
  size_t valid = 0;
  for (; valid < n && lengths[valid] != 0 && lengths[valid] <= room; ++valid) {
    m[valid]->data_len = lengths[valid];
    m[valid]->pkt_len = lengths[valid];
  }
  if (valid == 0) {
    rte_pktmbuf_free(m[0]);
    q.lent_head += 1;
    bump(q.errors, 1);
    if (q.lent_head == q.lent_count) q.lent_head = q.lent_count = 0;
    return 1;
  }
  if (!acquire(dq)) {
    bump(q.queue_busy, 1);
    return 0;
  }
  const uint16_t sent = rte_eth_tx_burst(dq.port, dq.queue, m, static_cast<uint16_t>(valid));
  if (dq.hosts_answers) send_deferred(dq);
  release(dq);
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < sent; ++i) bytes += lengths[i];
  if (sent < valid) bump(q.queue_full, 1);  // the rest stay lent, in order
  bump(q.packets, sent);
  bump(q.bytes, bytes);
  q.lent_head = static_cast<uint16_t>(q.lent_head + sent);
  if (q.lent_head == q.lent_count) q.lent_head = q.lent_count = 0;
  return sent;
}

// Frees what is still lent on a queue, unsent.
void DpdkIo::give_back(TxQueue& q) noexcept {
  if (q.lent_count > q.lent_head) {
    rte_pktmbuf_free_bulk(q.lent.data() + q.lent_head, static_cast<unsigned>(q.lent_count - q.lent_head));
  }
  q.lent_head = q.lent_count = 0;
  q.lent_fresh = false;
}

// One pass over the device queues first, first + stride, ... (starting at
// a different one each time, so none waits behind a busy one), into
// rq.mbufs; answers ARP and ND, drops what the filter rejects.
size_t DpdkIo::poll_rx(RxQueue& rq, unsigned first, unsigned stride, RxFrame* out,
                       size_t max) noexcept {
  const unsigned mine = (static_cast<unsigned>(dev_.size()) - first + stride - 1) / stride;
  int64_t now = 0;  // read once, at the first frame kept
  size_t kept = 0, got = 0;
  uint64_t bytes = 0, filtered = 0, arp_replies = 0, nd_replies = 0;
  for (unsigned k = 0; k < mine && got < max; ++k) {
    const unsigned d = first + ((rq.next + k) % mine) * stride;
    const DeviceQueue& dq = *dev_[d];
    const size_t from = got;
    got += rte_eth_rx_burst(dq.port, dq.queue, rq.mbufs.data() + got,
                            static_cast<uint16_t>(max - got));
    const size_t kept_before = kept;
    for (size_t i = from; i < got; ++i) {
      rte_mbuf* m = rq.mbufs[i];
      const uint8_t* data = rte_pktmbuf_mtod(m, const uint8_t*);
      uint32_t len = m->data_len;  // our frames are small: the first segment holds the headers
      if (kernel_blind_ && local_ip_ != 0 && is_arp_request_for(data, len, local_ip_)) {
        std::array<uint8_t, kArpFrameLen> reply;
        write_arp_reply(data, local_ip_, local_mac_, reply.data());
        if (rq.deferred.push(reply.data(), kArpFrameLen)) ++arp_replies;
        rte_pktmbuf_free(m);
        continue;
      }
      if (kernel_blind_ && has_local_ip6_) {
        if (const auto asker = neighbor_solicitation_for(data, len, local_ip6_)) {
          std::array<uint8_t, kNaFrameLen> reply;
          write_neighbor_advertisement(*asker, local_ip6_, local_mac_, reply.data());
          if (rq.deferred.push(reply.data(), kNaFrameLen)) ++nd_replies;
          rte_pktmbuf_free(m);
          continue;
        }
      }
      if (have_filter_) {
        pcap_pkthdr h{};
        h.caplen = std::min(len, snaplen_);
        h.len = m->pkt_len;
        if (pcap_offline_filter(&filter_, &h, data) == 0) {
          rte_pktmbuf_free(m);
          ++filtered;
          continue;
        }
      }
      uint32_t caplen = std::min(len, snaplen_);
      if (now == 0) now = wall_us();
      out[kept] = RxFrame{data, caplen, now, m->pkt_len};
      rq.held[rq.n_held++] = m;
      bytes += caplen;
      ++kept;
    }
    if (kept != kept_before) bump(rx_by_device_queue_[d].frames, kept - kept_before);
  }
  rq.next = static_cast<uint16_t>((rq.next + 1) % mine);
  if (kept != 0) {
    bump(rq.packets, kept);
    bump(rq.bytes, bytes);
  }
  if (filtered != 0) bump(rq.filtered, filtered);
  if (arp_replies != 0) bump(rq.arp_replies, arp_replies);
  if (nd_replies != 0) bump(rq.nd_replies, nd_replies);
  return kept;
}

// A receiving thread's turn to send what it deferred, if the queue is free.
void DpdkIo::flush_deferred(RxQueue& rq) noexcept {
  if (rq.deferred.pending() == 0) return;
  DeviceQueue& dq = *dev_[tx_[rq.answer_tx]->device_queue];
  if (!try_acquire(dq)) return;  // its holder sends them
  send_deferred(dq);
  release(dq);
}

size_t DpdkIo::recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept {
  if (closed_ || rx_.empty()) return 0;
  // The one receiving thread: every device queue, with receive queue 0's
  // buffers and answer queue.
  size_t got = receive(*rx_[0], 0, 1, out, max, timeout_ms);
  check_link();
  return got;
}

size_t DpdkIo::recv_queue_burst(unsigned queue, RxFrame* out, size_t max, int timeout_ms) noexcept {
  if (closed_ || queue >= rx_.size()) return 0;
  size_t got = receive(*rx_[queue], queue, static_cast<unsigned>(rx_.size()), out, max, timeout_ms);
  if (queue == 0) check_link();  // one thread watches the link
  return got;
}

size_t DpdkIo::receive(RxQueue& rq, unsigned first, unsigned stride, RxFrame* out, size_t max,
                       int timeout_ms) noexcept {
  if (max == 0) return 0;
  dpdk::ensure_dpdk_thread();
  if (rq.n_held != 0) {
    rte_pktmbuf_free_bulk(rq.held.data(), static_cast<unsigned>(rq.n_held));
    rq.n_held = 0;
  }
  max = std::min(max, rx_burst_);
  size_t got = poll_rx(rq, first, stride, out, max);
  if (got == 0 && timeout_ms > 0) {
    // DPDK polls; an RX thread must not spin a core the TX threads need
    // (two cores here), so an idle poll sleeps a little longer each time,
    // from 10 to 200 us: a reply waits at most that long.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    long nap_ns = 10'000;
    while (got == 0 && std::chrono::steady_clock::now() < deadline) {
      flush_deferred(rq);
      timespec ts{0, nap_ns};
      nanosleep(&ts, nullptr);
      nap_ns = std::min(nap_ns * 2, 200'000L);
      got = poll_rx(rq, first, stride, out, max);
    }
  }
  flush_deferred(rq);
  return got;
}

rte_eth_stats DpdkIo::port_stats() const noexcept {
  rte_eth_stats sum{};
  for (uint16_t port : ports_) {
    rte_eth_stats e{};
    if (rte_eth_stats_get(port, &e) != 0) continue;
    sum.ipackets += e.ipackets;
    sum.opackets += e.opackets;
    sum.ibytes += e.ibytes;
    sum.obytes += e.obytes;
    sum.imissed += e.imissed;
    sum.ierrors += e.ierrors;
    sum.oerrors += e.oerrors;
    sum.rx_nombuf += e.rx_nombuf;
  }
  return sum;
}

void DpdkIo::check_link() noexcept {
  if (link_fd_ < 0 || iface_.empty() || !own_vdevs_) return;
  auto now = std::chrono::steady_clock::now();
  if (now < next_link_check_) return;
  next_link_check_ = now + kLinkCheckEvery;
  ifreq ifr{};
  std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", iface_.c_str());
  if (::ioctl(link_fd_, SIOCGIFFLAGS, &ifr) != 0) {
    record_failure(errno == ENODEV ? "the interface is gone" : std::strerror(errno));
  } else if ((ifr.ifr_flags & IFF_UP) == 0) {
    record_failure("the interface is down");
  }
}

void DpdkIo::record_failure(const char* detail) noexcept {
  int expected = kFailureNone;
  if (!failure_state_.compare_exchange_strong(expected, kFailureWriting,
                                              std::memory_order_acq_rel)) {
    return;
  }
  std::snprintf(failure_, sizeof failure_, "DPDK on \"%s\" failed: %s.", iface_.c_str(), detail);
  failure_state_.store(kFailureReady, std::memory_order_release);
}

IoStats DpdkIo::stats() const {
  IoStats s;
  uint64_t full = 0, nombuf = 0, busy = 0;
  for (const auto& q : tx_) {
    busy += read(q->queue_busy);
    s.tx_packets += read(q->packets);
    s.tx_bytes += read(q->bytes);
    s.tx_errors += read(q->errors);
    full += read(q->queue_full);
    nombuf += read(q->nombuf);
  }
  uint64_t filtered = 0, arp_replies = 0, nd_replies = 0;
  for (const auto& rq : rx_) {
    s.rx_packets += read(rq->packets);
    s.rx_bytes += read(rq->bytes);
    filtered += read(rq->filtered);
    arp_replies += read(rq->arp_replies);
    nd_replies += read(rq->nd_replies);
  }
  rte_eth_stats e = final_;
  if (!closed_ && !ports_.empty()) e = port_stats();
  s.rx_dropped = e.imissed;
  s.rx_if_dropped = e.ierrors;
  s.extra = {
      {"dpdk_ipackets", e.ipackets},   {"dpdk_opackets", e.opackets},
      {"dpdk_imissed", e.imissed},     {"dpdk_ierrors", e.ierrors},
      {"dpdk_oerrors", e.oerrors},     {"dpdk_rx_nombuf", e.rx_nombuf},
      {"tx_queue_full", full},         {"tx_nombuf", nombuf}, {"tx_queue_busy", busy},
      {"rx_filtered", filtered},       {"arp_replies", arp_replies},
      {"nd_replies", nd_replies},
      {"dpdk_device_queues", dev_.size()}, {"dpdk_ports", ports_.size()},
      {"rx_queues", rx_.size()},
  };
  // Frames kept from each device queue: how the device spread the replies.
  for (size_t d = 0; d < dev_.size() && rx_by_device_queue_ != nullptr; ++d) {
    s.extra.push_back({"rx_q" + std::to_string(d), read(rx_by_device_queue_[d].frames)});
  }
  if (!closed_) {
    if (!xsk_fds_.empty()) {
      xdp_statistics sum{};
      for (int fd : xsk_fds_) {
        xdp_statistics x{};
        socklen_t len = sizeof x;
        if (getsockopt(fd, SOL_XDP, XDP_STATISTICS, &x, &len) != 0) continue;
        sum.rx_dropped += x.rx_dropped;
        sum.rx_invalid_descs += x.rx_invalid_descs;
        sum.tx_invalid_descs += x.tx_invalid_descs;
        sum.rx_ring_full += x.rx_ring_full;
        sum.rx_fill_ring_empty_descs += x.rx_fill_ring_empty_descs;
      }
      s.extra.push_back({"xsk_rx_dropped", sum.rx_dropped});
      s.extra.push_back({"xsk_rx_ring_full", sum.rx_ring_full});
      s.extra.push_back({"xsk_fill_ring_empty", sum.rx_fill_ring_empty_descs});
      s.extra.push_back({"xsk_rx_invalid_descs", sum.rx_invalid_descs});
      s.extra.push_back({"xsk_tx_invalid_descs", sum.tx_invalid_descs});
    }
    uint64_t avail = 0, chunks = 0;
    for (const auto& dq : dev_) {
      avail += rte_mempool_avail_count(dq->pool);
      chunks = std::max<uint64_t>(chunks, dq->pool->nb_mem_chunks);
    }
    s.extra.push_back({"mbufs_free", avail});
    // An AF_XDP UMEM is one span of memory: a pool in several chunks would
    // leave mbufs outside it (their frames rejected as invalid descriptors).
    s.extra.push_back({"pool_chunks_max", chunks});
  }
  return s;
}

void DpdkIo::close() {
  if (closed_) return;
  if (!ports_.empty()) {
    for (auto& rq : rx_) {
      if (rq->n_held != 0) rte_pktmbuf_free_bulk(rq->held.data(), static_cast<unsigned>(rq->n_held));
      rq->n_held = 0;
    }
    for (auto& q : tx_) give_back(*q);
    final_ = port_stats();
  }
  closed_ = true;
  release_port(false);
  if (have_filter_) pcap_freecode(&filter_);
  have_filter_ = false;
  xsk_fds_.clear();
  if (link_fd_ >= 0) ::close(link_fd_);
  link_fd_ = -1;
  if (started_eal_) dpdk::stop_eal();
  // The driver removes its XDP program when the port closes; make sure, since
  // a program left behind cuts the interface off from the kernel.
  if (xdp_prog_id_ != 0) {
    auto x = xdp_attachment(ifindex_);
    if (x && x->prog_id == xdp_prog_id_ && !detach_xdp(ifindex_)) {
      std::cerr << "portsweep: cannot remove the XDP program from \"" << iface_
                << "\"; run: ip link set dev " << iface_ << " xdp off\n";
    }
  }
  if (wrote_owner_) remove_runtime_dir(kDpdkRuntimeRoot, pid_);
}

std::unique_ptr<PacketIo> open_dpdk_io(const IoConfig& config) {
  return std::make_unique<DpdkIo>(config);
}

}  // namespace

}  // namespace portsweep

PORTSWEEP_REGISTER_IO_BACKEND(dpdk, "dpdk", &portsweep::open_dpdk_io)
