#pragma once
// The passive OS hint on the RX path: the first SYN-ACK of each host (or,
// until one comes, its first RST) is read into a p0f observation and
// classified (os/passive_hint.hpp); the record goes through a small SPSC ring
// to the sweep's driver, which hands it to SweepHooks::on_os_hints.
//
// Still no per-probe state: two bits per target address (SYN-ACK seen, RST
// seen), 16 KB for a /16, written by the RX thread only. A reply whose host
// is done costs one bit test. The read and match (~100-200 ns, off the
// common path, not inlined) happen once per host and once more when its
// first SYN-ACK follows a RST: on a sweep of several ports per host that is
// a few ns per reply (bench/loops: BM_RxLoop with and without hints).
//
// A full ring (the driver drains it every 5 ms; 4096 slots) leaves the
// host's bit clear, so a later reply of the host tries again; nothing waits.
// Above ResponsiveHosts::kMaxAddresses targets there is no map: no hints.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "os/passive_hint.hpp"
#include "packet/packet_decoder.hpp"

namespace portsweep {

struct OsHintRecord {
  uint32_t ip = 0;  // IPv4, host byte order
  os::PassiveObservation observation;
  os::PassiveMatch match;
};

class OsHintCollector {
 public:
  static constexpr size_t kRingSlots = 4096;
  static constexpr uint64_t kMaxAddresses = uint64_t{1} << 28;

  OsHintCollector(const os::PassiveClassifier& classifier, uint64_t addresses)
      : classifier_(classifier), synack_((addresses + 63) / 64, 0), rst_((addresses + 63) / 64, 0),
        slots_(new OsHintRecord[kRingSlots]) {}

  // RX thread: `d` is a reply taken as a new result of target `address`.
  void note(const DecodedPacket& d, uint64_t address) noexcept {
    if (d.ip_proto != 6 || d.l3 == nullptr) return;
    const bool synack = (d.tcp_flags & 0x12) == 0x12;
    if (!synack && !(d.tcp_flags & 0x04)) return;
    const uint64_t bit = uint64_t{1} << (address & 63);
    if ((synack ? synack_ : rst_)[address >> 6] & bit) return;
    read(d, address, synack);
  }

  // Driver: hands every queued record to `fn`; returns how many.
  template <class Fn>
  size_t drain(Fn&& fn) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    const size_t head = head_.load(std::memory_order_acquire);
    for (size_t i = tail; i != head; ++i) fn(slots_[i & (kRingSlots - 1)]);
    tail_.store(head, std::memory_order_release);
    return head - tail;
  }

  // Forgets every host (benchmarks replay the same replies).
  void reset() noexcept {
    std::fill(synack_.begin(), synack_.end(), 0);
    std::fill(rst_.begin(), rst_.end(), 0);
  }

 private:
  [[gnu::noinline]] void read(const DecodedPacket& d, uint64_t address, bool synack) noexcept;

  const os::PassiveClassifier& classifier_;
  std::vector<uint64_t> synack_, rst_;  // RX thread only
  std::unique_ptr<OsHintRecord[]> slots_;
  alignas(64) std::atomic<size_t> head_{0};
  size_t tail_cache_ = 0;
  alignas(64) std::atomic<size_t> tail_{0};
};

}  // namespace portsweep
