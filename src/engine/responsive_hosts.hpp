#pragma once
// Which target addresses have answered any probe of the scan: one bit per
// address (8 KB for a /16, 2 MB for a /8).
//
// Retry passes cost as much as the first pass, and on a typical sweep most
// addresses are dead: a retry to an address that has answered nothing is
// almost always wasted, while a lost reply from a live host is what retries
// are for. So by default a retry pass resends an unanswered probe only when
// its address answered something (--retry-silent resends to every address).
// Beyond 2^28 addresses the map would cost more than it saves: it is off and
// retries go everywhere, as before.
#include <atomic>
#include <cstdint>
#include <memory>

namespace portsweep {

class ResponsiveHosts {
 public:
  static constexpr uint64_t kMaxAddresses = uint64_t{1} << 28;

  explicit ResponsiveHosts(uint64_t addresses)
      : enabled_(addresses <= kMaxAddresses), words_(enabled_ ? (addresses + 63) / 64 : 0),
        bits_(new std::atomic<uint64_t>[words_]) {
    for (size_t i = 0; i < words_; ++i) bits_[i].store(0, std::memory_order_relaxed);
  }

  bool enabled() const noexcept { return enabled_; }

  // One writer (the RX thread): a relaxed load and store, no locked RMW.
  void mark(uint64_t address) noexcept {
    if (!enabled_) return;
    std::atomic<uint64_t>& w = bits_[address >> 6];
    const uint64_t bit = uint64_t{1} << (address & 63);
    const uint64_t old = w.load(std::memory_order_relaxed);
    if (!(old & bit)) w.store(old | bit, std::memory_order_relaxed);
  }

  // mark() for a sweep with several RX threads (a lost bit would keep a
  // live host out of the retry pass).
  void mark_shared(uint64_t address) noexcept {
    if (!enabled_) return;
    std::atomic<uint64_t>& w = bits_[address >> 6];
    const uint64_t bit = uint64_t{1} << (address & 63);
    if (!(w.load(std::memory_order_relaxed) & bit)) w.fetch_or(bit, std::memory_order_relaxed);
  }

  bool answered(uint64_t address) const noexcept {
    return !enabled_ || (bits_[address >> 6].load(std::memory_order_relaxed) >> (address & 63) & 1);
  }

 private:
  bool enabled_;
  size_t words_;
  std::unique_ptr<std::atomic<uint64_t>[]> bits_;
};

}  // namespace portsweep
