// Keeps every backend's object file in the link. The core library is a static
// archive: without a reference from code that is linked anyway, the linker
// drops a backend's .o and its self-registration never runs. One anchor per
// backend; one that needs an optional dependency goes under its guard, e.g.
//   #if PORTSWEEP_HAVE_DPDK
//   extern int dpdk;   (and add it to the sum below, under the same guard)
//   #endif
#include "portsweep_config.h"

namespace portsweep {

namespace io_backend_anchor {
extern int pcap;
extern int mock;
}  // namespace io_backend_anchor

void keep_io_backends_linked() noexcept {
  // Reading through a volatile keeps the references in an optimised build.
  volatile int sink = io_backend_anchor::pcap + io_backend_anchor::mock;
  (void)sink;
}

}  // namespace portsweep
