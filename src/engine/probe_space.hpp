#pragma once
// The (address x port) probe space as one flat index range [0, size), which
// the permutation shuffles. Index i means address i % addresses and port
// i / addresses: consecutive permutation outputs are far apart, so both
// layouts spread probes evenly, and this one keeps all ports of a host as far
// apart in time as the addresses are numerous.
#include <cstdint>

#include "engine/fast_divider.hpp"

namespace portsweep {

struct ProbeCell {
  uint64_t address;  // index into the target list
  uint32_t port;     // index into the port list
};

class ProbeSpace {
 public:
  // The largest space the permutation handles (its prime must stay < 2^63).
  static constexpr uint64_t kMaxSize = uint64_t{1} << 62;

  // Throws UsageError when addresses * ports is 0 or above kMaxSize.
  ProbeSpace(uint64_t addresses, uint32_t ports);

  uint64_t addresses() const noexcept { return addresses_; }
  uint32_t ports() const noexcept { return ports_; }
  uint64_t size() const noexcept { return size_; }

  ProbeCell cell(uint64_t index) const noexcept {
    const uint64_t q = by_addresses_.quotient(index);
    return {index - q * addresses_, static_cast<uint32_t>(q)};
  }

  uint64_t index_of(ProbeCell c) const noexcept { return uint64_t{c.port} * addresses_ + c.address; }

 private:
  uint64_t addresses_;
  uint32_t ports_;
  uint64_t size_;
  FastDivider by_addresses_;
};

}  // namespace portsweep
