#include "io/packet_tx_ring.hpp"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace portsweep {

namespace {

// Where a TPACKET_V2 slot's frame starts: after its header, aligned. (The
// kernel reads a TX frame there unless PACKET_TX_HAS_OFF says otherwise.)
constexpr size_t kDataOffset = TPACKET_ALIGN(sizeof(tpacket2_hdr));
static_assert(kDataOffset + PacketTxRing::kSlotRoom <= PacketTxRing::kSlotBytes);
constexpr uint32_t kBlockBytes = 64 * 1024;  // slots never straddle a block

tpacket2_hdr* header(uint8_t* slot) noexcept { return reinterpret_cast<tpacket2_hdr*>(slot); }

uint32_t status(uint8_t* slot) noexcept { return __atomic_load_n(&header(slot)->tp_status, __ATOMIC_ACQUIRE); }

}  // namespace

PacketTxRing::PacketTxRing(const std::string& iface, int ifindex, bool qdisc_bypass) {
  const auto fail = [&](const char* what) {
    const std::string why = std::strerror(errno);
    if (map_ != nullptr) munmap(map_, size_t{kSlots} * kSlotBytes);
    if (fd_ >= 0) ::close(fd_);
    throw RuntimeFailure("cannot set up the transmit ring on \"" + iface + "\" (" + what + "): " + why + ".");
  };
  // Protocol 0: the socket receives nothing, it only sends.
  fd_ = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd_ < 0) fail("socket");
  int version = TPACKET_V2;
  if (setsockopt(fd_, SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0) fail("TPACKET_V2");
  int one = 1;
  if (qdisc_bypass && setsockopt(fd_, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one) != 0) fail("qdisc bypass");
  // A malformed frame is marked and skipped rather than stalling the ring.
  if (setsockopt(fd_, SOL_PACKET, PACKET_LOSS, &one, sizeof one) != 0) fail("PACKET_LOSS");
  tpacket_req req{};
  req.tp_block_size = kBlockBytes;
  req.tp_frame_size = kSlotBytes;
  req.tp_frame_nr = kSlots;
  req.tp_block_nr = kSlots / (kBlockBytes / kSlotBytes);
  if (setsockopt(fd_, SOL_PACKET, PACKET_TX_RING, &req, sizeof req) != 0) fail("PACKET_TX_RING");
  void* map = mmap(nullptr, size_t{kSlots} * kSlotBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (map == MAP_FAILED) fail("mmap");
  map_ = static_cast<uint8_t*>(map);
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = 0;
  addr.sll_ifindex = ifindex;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail("bind");
}

PacketTxRing::~PacketTxRing() {
  if (map_ != nullptr) munmap(map_, size_t{kSlots} * kSlotBytes);
  if (fd_ >= 0) ::close(fd_);
}

size_t PacketTxRing::lend(uint8_t** buffers, size_t n, uint64_t& rejected) noexcept {
  n = std::min<size_t>(n, kSlots);
  size_t k = 0;
  for (; k < n; ++k) {
    uint8_t* s = slot((head_ + static_cast<uint32_t>(k)) % kSlots);
    const uint32_t st = status(s);
    if (st == TP_STATUS_WRONG_FORMAT) {
      ++rejected;
    } else if (st != TP_STATUS_AVAILABLE) {
      break;  // still the kernel's: sent in order, so every later slot is too
    }
    buffers[k] = s + kDataOffset;
  }
  lent_ = static_cast<uint32_t>(k);
  return k;
}

size_t PacketTxRing::commit(const uint16_t* lengths, size_t n, uint64_t& bytes, int& error) noexcept {
  error = 0;
  n = std::min<size_t>(n, lent_);
  for (size_t k = 0; k < n; ++k) {
    uint8_t* s = slot(head_);
    header(s)->tp_len = lengths[k];
    bytes += lengths[k];
    // The frame and its length must be visible before the kernel sees the
    // request.
    __atomic_store_n(&header(s)->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
    head_ = (head_ + 1) % kSlots;
  }
  lent_ = 0;
  if (n == 0) return 0;
  // Non-blocking: the kernel sends every queued slot and returns.
  if (sendto(fd_, nullptr, 0, MSG_DONTWAIT, nullptr, 0) < 0 && errno != EAGAIN && errno != EINTR) error = errno;
  return n;
}

}  // namespace portsweep
