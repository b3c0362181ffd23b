#include "engine/probe_space.hpp"

#include <string>

#include "common/error.hpp"

namespace portsweep {

namespace {
uint64_t checked_size(uint64_t addresses, uint32_t ports) {
  if (addresses == 0 || ports == 0) throw UsageError("The scan has no targets: " + std::to_string(addresses) +
                                                     " addresses and " + std::to_string(ports) + " ports.");
  if (addresses > ProbeSpace::kMaxSize / ports) {
    throw UsageError("The scan is too large: " + std::to_string(addresses) + " addresses times " +
                     std::to_string(ports) + " ports exceeds 2^62 probes.");
  }
  return addresses * ports;
}
}  // namespace

ProbeSpace::ProbeSpace(uint64_t addresses, uint32_t ports)
    : addresses_(addresses), ports_(ports), size_(checked_size(addresses, ports)), by_addresses_(addresses) {}

}  // namespace portsweep
