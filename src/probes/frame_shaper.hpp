#pragma once
// nmap's firewall/IDS evasion options applied to the probes a module built:
// --data/--data-string/--data-length (bytes appended to every probe),
// --ip-options (IHL > 5), --badsum (wrong L4 checksums), -D (each probe also
// sent from decoy sources), -f/-ff/--mtu (the IP datagram cut into
// fragments). --spoof-mac needs none of this: it is the templates' source MAC.
//
// Design note: the probe modules keep building their one plain frame from
// their template (Ethernet, IPv4 without options, L4), so every module gets
// these options without knowing them. The TX thread hands each probe to
// FrameShaper::shape(), which lays the datagram out once in a scratch buffer
// (IP header, options, the probe's L4 bytes, the payload), fixes lengths and
// checksums, and then writes frames_per_probe() frames: one per source (the
// decoys and ours, in -D's order), each whole or cut into fragments. Nothing
// is allocated, and nothing per scan is decided here: the plan (payload
// bytes and their one's complement sums, option bytes, sources, fragment
// size) is fixed before the sweep starts. The L4 checksum is never summed
// again: the payload's sum, the length change and a decoy's address change
// are added to the probe's own checksum (RFC 1624). Per probe: one copy of
// the datagram (~60 bytes + payload), then per source frame a copy and a
// 20-60 byte IP header checksum (~15 ns); per fragment the same.
//
// Replies are unchanged: the cookie and ports are in the L4 header, which the
// first fragment carries (-f's 8 bytes hold the ports and the TCP sequence
// number), and the target reassembles before it answers. A decoy's frame
// carries the cookie our source's probe carries, so an answer to the decoy
// (addressed to it, not to us) is never taken as ours.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace portsweep {

struct EvasionPlan {
  bool bad_checksum = false;        // --badsum
  std::vector<uint8_t> payload;     // --data, --data-string, --data-length's bytes
  std::vector<uint8_t> ip_options;  // --ip-options, padded to a multiple of 4 (at most 40)
  // A source route's (--ip-options "L hop..."/"S hop..."), as nmap sends it:
  // the probe's destination goes in the route's last slot, at this offset
  // in ip_options, and the IP header is addressed to the first hop. 0: none.
  size_t route_target_at = 0;
  size_t route_first_hop_at = 0;
  uint16_t fragment_size = 0;       // bytes of IP payload per fragment (multiple of 8); 0: no fragments
  // The source of each frame of a probe in the order sent (-D): decoys and,
  // at real_index, ours (its value there is ignored: the probe's own source).
  // Empty: ours alone.
  std::vector<uint32_t> sources;
  size_t real_index = 0;

  bool active() const noexcept {
    return bad_checksum || !payload.empty() || !ip_options.empty() || fragment_size != 0 || sources.size() > 1;
  }
};

class FrameShaper {
 public:
  // `max_probe_frame`: the largest frame a module writes (Ethernet + 20-byte
  // IPv4 header + L4).
  FrameShaper(const EvasionPlan& plan, size_t max_probe_frame);

  bool active() const noexcept { return active_; }
  // Frames shape() writes at most for one probe, and the bytes each needs.
  size_t frames_per_probe() const noexcept { return sources_ * fragments_max_; }
  size_t max_frame_size() const noexcept { return out_frame_max_; }
  // Bytes of the scratch buffer shape() needs.
  size_t scratch_size() const noexcept { return datagram_max_; }
  // The largest IP datagram a probe becomes, before fragmenting (for the MTU check).
  size_t max_datagram() const noexcept { return datagram_max_ - 14; }

  // Writes the frames of the probe `in` (`len` bytes: Ethernet, 20-byte IPv4,
  // L4) to out[0..), their lengths to lengths[0..); returns how many.
  size_t shape(const uint8_t* in, size_t len, uint8_t* scratch, uint8_t* const* out,
               uint16_t* lengths) const noexcept;

 private:
  size_t emit(const uint8_t* d, size_t len, uint8_t* const* out, uint16_t* lengths) const noexcept;

  EvasionPlan plan_;
  bool active_ = false;
  size_t sources_ = 1;
  size_t fragments_max_ = 1;
  size_t datagram_max_ = 0;  // frame bytes (Ethernet included) before fragmenting
  size_t out_frame_max_ = 0;
  uint64_t payload_sum_even_ = 0;  // the payload's sum when it starts at an even offset
  uint64_t payload_sum_odd_ = 0;   // ... at an odd one
};

// The checksum --badsum writes for `good`: always a different value, never
// one that verifies (0x0000 and 0xffff are one value to the receiver's sum)
// and never 0 (UDP's "no checksum").
inline uint16_t bad_checksum_of(uint16_t good) noexcept {
  uint16_t bad = static_cast<uint16_t>(good + 1);
  if (bad == 0 || bad == 0xffff) bad = 1;
  return bad;
}

}  // namespace portsweep
