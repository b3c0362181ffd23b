#pragma once
// The XDP program attached to an interface, read and removed over rtnetlink.
// DPDK's AF_XDP driver attaches one and removes it when the port is closed;
// a run that was killed leaves it behind, and while it stays the kernel never
// sees the interface's traffic again. These calls let the next run undo that.
#include <cstdint>
#include <optional>

namespace portsweep {

struct XdpAttachment {
  uint32_t prog_id = 0;
  uint8_t mode = 0;  // XDP_ATTACHED_DRV, _SKB, _HW or _MULTI
};

// The program on interface `ifindex` of this network namespace, or nullopt
// when there is none (or the interface does not exist).
std::optional<XdpAttachment> xdp_attachment(int ifindex);

// Removes whatever XDP program is attached to `ifindex`, in every mode it is
// attached in. Returns false (errno set) when the kernel refused.
bool detach_xdp(int ifindex);

}  // namespace portsweep
