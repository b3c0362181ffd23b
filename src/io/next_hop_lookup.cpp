#include "io/next_hop_lookup.hpp"

#include <algorithm>

namespace portsweep {

uint32_t NextHopLookup::intern(const MacAddr& mac) {
  uint64_t key = 0;
  for (uint8_t b : mac.bytes) key = key << 8 | b;
  auto [it, added] = mac_index_.try_emplace(key, static_cast<uint32_t>(macs_.size()));
  if (added) macs_.push_back(mac);
  return it->second;
}

void NextHopLookup::add_none(uint64_t first_index) { runs_.push_back({first_index, 0, kNone}); }

void NextHopLookup::add_mac(uint64_t first_index, const MacAddr& mac) {
  runs_.push_back({first_index, intern(mac), kMac});
}

void NextHopLookup::add_slots(uint64_t first_index, uint64_t count_hint) {
  slots_.reserve(slots_.size() + count_hint);
  runs_.push_back({first_index, static_cast<uint32_t>(slots_.size()), kSlots});
}

void NextHopLookup::finish(uint64_t targets) {
  targets_ = targets;
  mac_index_ = {};
  const auto& r = runs_;
  uniform_ = r.empty() || std::all_of(r.begin(), r.end(), [&](const Run& x) {
               return x.mode != kSlots && x.mode == r[0].mode && x.ref == r[0].ref;
             });
  uniform_sendable_ = uniform_ && !r.empty() && r[0].mode == kMac;
  if (uniform_sendable_) uniform_mac_ = macs_[r[0].ref];
}

const NextHopLookup::Run* NextHopLookup::run_of(uint64_t target_index) const noexcept {
  if (target_index >= targets_ || runs_.empty()) return nullptr;
  auto it = std::upper_bound(runs_.begin(), runs_.end(), target_index,
                             [](uint64_t i, const Run& x) { return i < x.first_index; });
  return it == runs_.begin() ? nullptr : &*(it - 1);
}

const MacAddr* NextHopLookup::segmented_mac_for(uint64_t target_index) const noexcept {
  const Run* r = run_of(target_index);
  if (r == nullptr) return nullptr;
  if (r->mode == kMac) return &macs_[r->ref];
  if (r->mode == kSlots) {
    const uint32_t slot = slots_[r->ref + (target_index - r->first_index)];
    return slot >= kFirstMac ? &macs_[slot - kFirstMac] : nullptr;
  }
  return nullptr;
}

bool NextHopLookup::was_asked(uint64_t target_index) const noexcept {
  const Run* r = run_of(target_index);
  return r != nullptr && r->mode == kSlots && slots_[r->ref + (target_index - r->first_index)] != kNotAsked;
}

size_t NextHopLookup::bytes() const noexcept {
  return runs_.capacity() * sizeof(Run) + slots_.capacity() * sizeof(uint32_t) +
         macs_.capacity() * sizeof(MacAddr);
}

}  // namespace portsweep
