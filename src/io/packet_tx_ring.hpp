#pragma once
// An AF_PACKET transmit ring (PACKET_TX_RING, TPACKET_V2): a region of slots
// this process shares with the kernel. The engine writes each probe straight
// into a slot, marks the burst's slots "send request" and makes one sendto()
// call; the kernel builds its packets from the slots themselves (the link
// header copied, the rest referenced: no copy from user memory as sendmmsg
// makes) and hands each slot back, "available", once its packet is freed.
//
// Cost per frame: two stores to the slot's header and the engine's own write
// of the frame; per burst one syscall. A slot holds at most kSlotRoom bytes
// of frame (an Ethernet frame of a 1500-byte MTU and more).
//
// One thread at a time per ring (a TX queue's).
#include <cstddef>
#include <cstdint>
#include <string>

namespace portsweep {

class PacketTxRing {
 public:
  static constexpr uint32_t kSlotBytes = 2048;
  static constexpr uint32_t kSlots = 2048;  // 4 MB a ring
  static constexpr uint16_t kSlotRoom = 2000;

  // Opens a send-only packet socket on `ifindex` with the ring mapped.
  // Throws RuntimeFailure naming `iface` when the kernel refuses.
  PacketTxRing(const std::string& iface, int ifindex, bool qdisc_bypass);
  ~PacketTxRing();
  PacketTxRing(const PacketTxRing&) = delete;
  PacketTxRing& operator=(const PacketTxRing&) = delete;

  // Up to n free slots from the ring's head, in order: their frame areas
  // (kSlotRoom bytes each) go to buffers[]. Fewer (or 0) when the kernel
  // still holds the rest. Slots the kernel rejected as malformed since the
  // last call are counted in `rejected` and reused.
  size_t lend(uint8_t** buffers, size_t n, uint64_t& rejected) noexcept;
  // Queues the first n lent slots (frame k is lengths[k] bytes), gives back
  // the rest, and asks the kernel to send; returns how many were queued.
  // `error`: the errno of a failed sendto, else 0 (EAGAIN is not a failure:
  // the kernel sends what was queued on the next call).
  size_t commit(const uint16_t* lengths, size_t n, uint64_t& bytes, int& error) noexcept;

 private:
  uint8_t* slot(uint32_t i) const noexcept { return map_ + size_t{i} * kSlotBytes; }

  int fd_ = -1;
  uint8_t* map_ = nullptr;
  uint32_t head_ = 0;  // the next slot to lend
  uint32_t lent_ = 0;  // slots lent from head_
};

}  // namespace portsweep
