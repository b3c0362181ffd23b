#pragma once
// The passive OS hint on the RX path. The RX thread only captures: the IP
// and TCP headers of each host's first SYN-ACK (or, until one comes, its
// first RST) are copied into a slot of a small SPSC ring. The sweep's driver
// thread, which wakes every 5 ms anyway, reads them into p0f observations and
// classifies them (os/passive_hint.hpp) before SweepHooks::on_os_hints gets
// them: the RX thread never walks a signature list.
//
// Cost on the RX thread, per reply: one bit test (two bits per target, SYN-ACK
// seen and RST seen, 16 KB for a /16; no per-probe state). Once per host (and
// once more when its first SYN-ACK follows a RST): a 128-byte copy and a
// ring push. bench/loops' BM_RxLoopOsHint measures the loop with and without
// it; BM_OsHintClassify the driver's read and match per host.
//
// A full ring (up to 2^14 slots, fewer for small scans: twice the targets)
// leaves the host's bit clear, so a later reply of the host tries again;
// nothing waits. Above kMaxAddresses targets there is no map: no hints.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "os/passive_hint.hpp"
#include "packet/packet_decoder.hpp"

namespace portsweep {

// A reply's IP and TCP headers as received (at most 60 + 60 bytes).
struct alignas(64) OsHintCapture {
  uint32_t ip = 0;  // the host, IPv4 host byte order
  uint8_t len = 0;  // bytes in `headers`
  uint8_t headers[123];
};
static_assert(sizeof(OsHintCapture) == 128, "two cache lines a slot");

// What the driver makes of a capture.
struct OsHintRecord {
  uint32_t ip = 0;
  os::PassiveObservation observation;
  os::PassiveMatch match;
};

// Reads and classifies a capture; false when its headers do not read.
bool read_os_hint(const OsHintCapture& c, const os::PassiveClassifier& classifier, OsHintRecord& out) noexcept;

class OsHintCollector {
 public:
  static constexpr size_t kMaxRingSlots = size_t{1} << 14;
  static constexpr uint64_t kMaxAddresses = uint64_t{1} << 28;

  // `ring_slots` (a power of two) 0: twice the addresses, 64 to kMaxRingSlots.
  explicit OsHintCollector(uint64_t addresses, size_t ring_slots = 0)
      : synack_((addresses + 63) / 64, 0), rst_((addresses + 63) / 64, 0),
        mask_((ring_slots ? ring_slots : std::bit_ceil(std::clamp<uint64_t>(2 * addresses, 64, kMaxRingSlots))) - 1),
        slots_(new OsHintCapture[mask_ + 1]) {}

  size_t ring_slots() const noexcept { return mask_ + 1; }

  // RX thread: `d` is a reply taken as a new result of target `address`.
  void note(const DecodedPacket& d, uint64_t address) noexcept {
    if (d.ip_proto != 6 || d.l3 == nullptr) return;
    const bool synack = (d.tcp_flags & 0x12) == 0x12;
    if (!synack && !(d.tcp_flags & 0x04)) return;
    const uint64_t bit = uint64_t{1} << (address & 63);
    if ((synack ? synack_ : rst_)[address >> 6] & bit) return;
    capture(d, address, synack);
  }

  // Driver: hands every queued capture to `fn`; returns how many.
  template <class Fn>
  size_t drain(Fn&& fn) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    const size_t head = head_.load(std::memory_order_acquire);
    for (size_t i = tail; i != head; ++i) fn(slots_[i & mask_]);
    tail_.store(head, std::memory_order_release);
    return head - tail;
  }

  // Forgets every host (benchmarks replay the same replies).
  void reset() noexcept {
    std::fill(synack_.begin(), synack_.end(), 0);
    std::fill(rst_.begin(), rst_.end(), 0);
  }

 private:
  void capture(const DecodedPacket& d, uint64_t address, bool synack) noexcept {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_cache_ > mask_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head - tail_cache_ > mask_) return;  // full: the host's next reply tries again
    }
    OsHintCapture& c = slots_[head & mask_];
    // The headers only (they end where the payload starts): a SYN-ACK with
    // an MSS option fills the slot's first cache line and no more. Whether
    // a payload came the observation reads from the IP total length.
    const size_t len = std::min<size_t>(static_cast<size_t>(d.payload - d.l3), sizeof c.headers);
    c.ip = d.src_ip;
    c.len = static_cast<uint8_t>(len);
    // 40 bytes (the shortest IP and TCP headers, which a decoded TCP reply
    // always has) in one fixed-size copy, the options after them byte by
    // byte: a variable-length memcpy is a libc call, dearer than both.
    std::memcpy(c.headers, d.l3, 40);
    for (size_t i = 40; i < len; ++i) c.headers[i] = d.l3[i];
    const uint64_t bit = uint64_t{1} << (address & 63);
    rst_[address >> 6] |= bit;  // after a SYN-ACK, a RST has nothing to add
    if (synack) synack_[address >> 6] |= bit;
    head_.store(head + 1, std::memory_order_release);
  }

  std::vector<uint64_t> synack_, rst_;  // RX thread only
  size_t mask_;
  std::unique_ptr<OsHintCapture[]> slots_;
  alignas(64) std::atomic<size_t> head_{0};
  size_t tail_cache_ = 0;
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace portsweep
