#pragma once
// Which probes have been answered: the one piece of state that grows with the
// scan, kept small on purpose.
//
// When the probe space fits in 2^27 bits (16 MB: a /16 × 2048 ports), it is an
// exact atomic bitmap over probe indices: RX suppresses duplicate replies
// exactly, and retry passes skip every probe already answered. Beyond that
// (a /16 × all ports is 4.3 G probes) a bitmap would break the memory budget,
// so it degrades to a direct-mapped cache of recent replies, which still
// suppresses the duplicates that matter (a target retransmitting its SYN-ACK
// within seconds), and retries resend every probe, as stateless scanners do.
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace portsweep {

class AnsweredSet {
 public:
  static constexpr uint64_t kMaxExactBits = uint64_t{1} << 27;

  explicit AnsweredSet(uint64_t probe_space)
      : exact_(probe_space <= kMaxExactBits),
        words_(exact_ ? (probe_space + 63) / 64 : size_t{1} << 20),
        bits_(new std::atomic<uint64_t>[words_]) {
    for (size_t i = 0; i < words_; ++i) bits_[i].store(0, std::memory_order_relaxed);
  }

  bool exact() const noexcept { return exact_; }

  // Marks the probe answered; true if it already was (a duplicate). One
  // writer only (a sweep with one RX thread): a relaxed load and store, not
  // a locked read-modify-write, which bench/loops measured at a third of the
  // RX loop's own time. Readers (retry passes) see each word whole.
  bool mark(uint64_t index) noexcept {
    if (exact_) {
      const uint64_t bit = uint64_t{1} << (index & 63);
      std::atomic<uint64_t>& word = bits_[index >> 6];
      const uint64_t old = word.load(std::memory_order_relaxed);
      if (old & bit) return true;
      word.store(old | bit, std::memory_order_relaxed);
      return false;
    }
    const uint64_t tagged = index + 1;  // 0 means empty
    auto& slot = bits_[(index * 0x9E3779B97F4A7C15ull) >> 44];
    if (slot.load(std::memory_order_relaxed) == tagged) return true;
    slot.store(tagged, std::memory_order_relaxed);
    return false;
  }

  // mark() for a sweep with several RX threads: two threads may set bits of
  // one word at once, so the bit goes in with a locked fetch_or, and exactly
  // one of two threads marking the same probe sees it new.
  bool mark_shared(uint64_t index) noexcept {
    if (exact_) {
      const uint64_t bit = uint64_t{1} << (index & 63);
      return (bits_[index >> 6].fetch_or(bit, std::memory_order_relaxed) & bit) != 0;
    }
    const uint64_t tagged = index + 1;
    return bits_[(index * 0x9E3779B97F4A7C15ull) >> 44].exchange(tagged, std::memory_order_relaxed) == tagged;
  }

  // The exact map's words, for saving beside a resume file and loading back,
  // so a resumed scan's retry passes skip what the first run heard from.
  std::vector<uint64_t> snapshot() const {
    std::vector<uint64_t> w(exact_ ? words_ : 0);
    for (size_t i = 0; i < w.size(); ++i) w[i] = bits_[i].load(std::memory_order_relaxed);
    return w;
  }
  bool restore(const std::vector<uint64_t>& w) {
    if (!exact_ || w.size() != words_) return false;
    for (size_t i = 0; i < w.size(); ++i) bits_[i].store(w[i], std::memory_order_relaxed);
    return true;
  }

  // Retry passes ask this; without an exact map nothing is known answered.
  bool answered(uint64_t index) const noexcept {
    return exact_ && (bits_[index >> 6].load(std::memory_order_relaxed) >> (index & 63) & 1);
  }

 private:
  bool exact_;
  size_t words_;
  std::unique_ptr<std::atomic<uint64_t>[]> bits_;
};

}  // namespace portsweep
