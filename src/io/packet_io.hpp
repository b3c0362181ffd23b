#pragma once
// The narrow packet-I/O interface the scan engine talks to. A backend (pcap
// now, DPDK later, a mock in tests) sends and receives whole Ethernet frames in
// bursts; the engine never sees which one it has. The per-burst virtual call is
// the only indirection on the hot path: backends must not allocate, lock or
// throw inside send_burst/recv_burst.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace portsweep {

// One frame to send. The bytes only need to stay valid during send_burst: every
// backend copies them (into the kernel, a DMA buffer or the mock's log).
struct TxFrame {
  const uint8_t* data = nullptr;
  uint16_t len = 0;
};

// One received frame, starting with its Ethernet header. `data` stays valid
// until the next recv_burst call (backends reuse one buffer per burst).
struct RxFrame {
  const uint8_t* data = nullptr;
  uint32_t len = 0;      // bytes captured (at most IoConfig::rx_snaplen)
  int64_t time_us = 0;   // arrival time, microseconds since the epoch
  // The frame's length on the wire, before the capture cut it to `len`; 0
  // when the backend cannot tell. Tells a frame the snaplen cut short (its
  // checksum cannot be checked) from one shorter than its headers say.
  uint32_t wire_len = 0;
};

// A backend-specific counter shown in the scan summary ("tx_busy", ...).
struct IoCounter {
  std::string name;
  uint64_t value = 0;
};

struct IoStats {
  uint64_t tx_packets = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_errors = 0;      // frames the backend gave up on (counted, not retried)
  uint64_t rx_packets = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_dropped = 0;     // dropped by the kernel/capture buffer: we were too slow
  uint64_t rx_if_dropped = 0;  // dropped by the interface/driver before capture
  std::vector<IoCounter> extra;
};

struct IoConfig {
  std::string backend = "pcap";
  std::string iface;
  // BPF expression selecting the replies, e.g. "tcp or icmp and dst host 198.18.0.1".
  // Empty means every inbound frame.
  std::string rx_filter;
  // TX queues: one per TX thread, then one per receive queue for what its
  // RX thread sends (RSTs): RX thread r answers on queue tx_queues -
  // rx_queues + r. A backend may give fewer receive queues than asked
  // (rx_queues()); the answer queues past them go unused.
  unsigned tx_queues = 1;
  // Receive queues wanted, each read by an RX thread of its own.
  unsigned rx_queues = 1;
  size_t rx_buffer_bytes = size_t{64} << 20;
  // Replies to probes are headers plus a little payload; a short snaplen keeps
  // the kernel ring holding many frames rather than few large ones.
  uint32_t rx_snaplen = 512;
  // Most frames one recv_burst returns; also sizes the per-burst copy buffer.
  size_t rx_burst = 256;
  // Capture frames addressed to other MACs too (e.g. replies to a -S address
  // that is not ours). Off: the kernel filters them out cheaply.
  bool promiscuous = false;
  // Hand frames straight to the driver, skipping the qdisc (Linux
  // PACKET_QDISC_BYPASS). On a veth it saved 5-10% CPU per frame, and up to
  // 30% when two TX queues contended for one pfifo_fast qdisc. The cost:
  // tcpdump on the interface no longer sees the probes, and tc shaping does
  // not apply. Backends without a qdisc ignore it.
  bool qdisc_bypass = true;
  // Our IPv4 address on the interface (host order; 0: none). A backend that
  // takes the interface away from the kernel (DPDK over AF_XDP or a vfio NIC)
  // answers ARP requests for it, on the last TX queue; the others ignore it.
  uint32_t local_ip = 0;
  // Our IPv6 address on the interface (network order, as on the wire), used
  // only when has_local_ip6: such a backend answers Neighbor Solicitations
  // for it (io/nd_responder.hpp) as it answers ARP for local_ip.
  std::array<uint8_t, 16> local_ip6{};
  bool has_local_ip6 = false;
  // Backend-specific settings as key=value pairs (pcap: "tx" = "sendmmsg" |
  // "inject"); a backend rejects keys it does not know with a UsageError.
  std::vector<std::pair<std::string, std::string>> options;
};

class PacketIo {
 public:
  PacketIo() = default;
  PacketIo(const PacketIo&) = delete;
  PacketIo& operator=(const PacketIo&) = delete;
  virtual ~PacketIo();

  // Registry name of the backend ("pcap", "mock", ...), for the summary.
  virtual std::string_view backend() const noexcept = 0;

  virtual unsigned tx_queues() const noexcept = 0;

  // Sends up to n frames on one queue. Returns how many were consumed: sent,
  // or given up on and counted in tx_errors. Frames after that were not
  // taken because the device queue was momentarily full: send them again.
  // Each queue must be driven by one thread at a time; distinct queues may be
  // driven concurrently.
  virtual size_t send_burst(unsigned queue, const TxFrame* frames, size_t n) noexcept = 0;

  // --- zero-copy transmit (optional) ---
  // True when the backend lends its own buffers (DPDK mbufs, a TX ring's
  // slots) for the engine to write probes into, saving the copy send_burst
  // makes. False (the default): use send_burst.
  virtual bool lends_tx_buffers() const noexcept { return false; }
  // Lends up to n buffers of TX queue `queue`, each with room for at least
  // `room` bytes; returns how many (0 when every buffer is in flight: try
  // again). The queue must have nothing lent when this is called: commit
  // every lent buffer first. Same threading rule as send_burst.
  virtual size_t tx_lend(unsigned queue, uint8_t** buffers, size_t n, uint16_t room) noexcept;
  // Sends the first n lent buffers, buffer k holding a frame of lengths[k]
  // bytes. Returns how many were consumed (sent, or given up on and counted
  // in tx_errors); the rest stay lent, in order: call again with the rest
  // (the same lengths, advanced). Buffers lent beyond the n of the first
  // call after tx_lend go back unsent; n = 0 gives every lent buffer back.
  virtual size_t tx_commit(unsigned queue, const uint16_t* lengths, size_t n) noexcept;

  // Receive queues: the engine runs one RX thread per queue (RSS, or the
  // backend's own spreading, keeps each flow on one queue). Default 1.
  virtual unsigned rx_queues() const noexcept { return 1; }
  // recv_burst for one receive queue, from that queue's one thread; frames
  // stay valid until that queue's next call. A one-queue backend's queue 0
  // is recv_burst.
  virtual size_t recv_queue_burst(unsigned queue, RxFrame* out, size_t max, int timeout_ms) noexcept {
    return queue == 0 ? recv_burst(out, max, timeout_ms) : 0;
  }

  // Fills up to `max` frames (the backend may cap this at IoConfig::rx_burst),
  // waiting at most timeout_ms for the first one (0: do not wait). Returns 0 on
  // timeout. One receiving thread only.
  virtual size_t recv_burst(RxFrame* out, size_t max, int timeout_ms) noexcept = 0;

  // Safe to call from any thread while the others send and receive.
  virtual IoStats stats() const = 0;

  // True once the backend hit an error it cannot recover from (the interface
  // went away, the capture failed). The bursts keep returning without
  // throwing; the engine polls this and stops with failure_message().
  virtual bool failed() const noexcept = 0;
  virtual std::string failure_message() const = 0;

  // Releases the device. Call after the sending and receiving threads have
  // stopped; idempotent. Counters stay readable afterwards.
  virtual void close() = 0;
};

// Opens the backend named by config.backend. Throws UsageError for an unknown
// name or a bad option, RuntimeFailure when the device cannot be opened.
std::unique_ptr<PacketIo> open_packet_io(const IoConfig& config);

// --- backend registry ------------------------------------------------------

using IoBackendFactory = std::unique_ptr<PacketIo> (*)(const IoConfig&);

// Called at static-initialisation time by PORTSWEEP_REGISTER_IO_BACKEND.
int register_io_backend(std::string_view name, IoBackendFactory factory);

// Names of the backends linked into this binary, sorted.
std::vector<std::string> io_backend_names();

}  // namespace portsweep

// Registers a backend from its own .cpp file:
//   PORTSWEEP_REGISTER_IO_BACKEND(dpdk, "dpdk", &open_dpdk_io)
// The macro defines the variable portsweep::io_backend_anchor::<ident>. The
// core library is a static archive, and the linker leaves out archive members
// nobody refers to, registrar and all; src/io/linked_backends.cpp refers to
// each anchor so every backend's file is linked in. Add one line there too.
#define PORTSWEEP_REGISTER_IO_BACKEND(ident, name, factory)              \
  namespace portsweep::io_backend_anchor {                                \
  extern int ident;                                                       \
  int ident = ::portsweep::register_io_backend((name), (factory));        \
  }
