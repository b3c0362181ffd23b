#include "engine/os_hints.hpp"

namespace portsweep {

void OsHintCollector::read(const DecodedPacket& d, uint64_t address, bool synack) noexcept {
  size_t head = head_.load(std::memory_order_relaxed);
  if (head - tail_cache_ >= kRingSlots) {
    tail_cache_ = tail_.load(std::memory_order_acquire);
    if (head - tail_cache_ >= kRingSlots) return;  // full: the host's next reply tries again
  }
  OsHintRecord& r = slots_[head & (kRingSlots - 1)];
  const size_t len = static_cast<size_t>(d.payload + d.payload_len - d.l3);
  if (!observe_tcp_reply(d.l3, len, r.observation)) return;
  r.ip = d.src_ip;
  r.match = classifier_.classify(r.observation);
  const uint64_t bit = uint64_t{1} << (address & 63);
  rst_[address >> 6] |= bit;  // after a SYN-ACK, a RST has nothing to add
  if (synack) synack_[address >> 6] |= bit;
  head_.store(head + 1, std::memory_order_release);
}

}  // namespace portsweep
