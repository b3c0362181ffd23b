// In a build without DPDK, "--io dpdk" gets a sentence saying why instead of
// "unknown backend".
#include "common/error.hpp"
#include "io/packet_io.hpp"
#include "portsweep_config.h"

#if !PORTSWEEP_HAVE_DPDK
namespace portsweep {
namespace {

std::unique_ptr<PacketIo> dpdk_not_built(const IoConfig&) {
  throw UsageError(
      "this portsweep was built without DPDK (libdpdk-dev was missing when meson set up the "
      "build), so --io dpdk is not available: use --io pcap, or install libdpdk-dev and rebuild.");
}

}  // namespace
}  // namespace portsweep

PORTSWEEP_REGISTER_IO_BACKEND(dpdk_unavailable, "dpdk", &portsweep::dpdk_not_built)
#endif
