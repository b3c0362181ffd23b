#pragma once
// -sI's packets, from the TCP template (probes/tcp_probe.hpp): the idle-scan
// engine (engine/idle_scan) writes them and reads the zombie's replies here,
// never byte by byte itself.
//
// - The IP ID probe: a SYN-ACK from us to ZOMBIE:PROBEPORT. Nothing there
//   expects it, so the zombie answers with a RST whose sequence number is the
//   probe's ack (RFC 793) and whose IP header carries the zombie's next IP
//   ID. The ack is a token the engine picks per probe, so a RST says which
//   probe it answers (a late one from an earlier read is told apart).
// - The spoofed SYN: "from" ZOMBIE:PROBEPORT to a target's port, sent to the
//   target's next hop. An open port answers the zombie with a SYN-ACK, which
//   the zombie resets, spending one IP ID; a closed port's RST and a
//   filtered port's silence spend none.
// - The spoofing test's SYN-ACK: "from" a target to ZOMBIE:PROBEPORT; the
//   zombie's RST goes to that target, spending one IP ID, which the engine
//   then looks for.
//
// Each is one TcpProbe template (58-byte frame, checksums patched
// incrementally): no allocation per packet.
#include <cstddef>
#include <cstdint>
#include <optional>

#include "packet/packet_decoder.hpp"
#include "probes/probe_config.hpp"
#include "probes/tcp_probe.hpp"

namespace portsweep {

struct IdleFrameConfig {
  MacAddress src_mac{};
  MacAddress zombie_hop_mac{};   // the zombie's next hop (the zombie itself when on-link)
  MacAddress target_hop_mac{};   // the targets' usual next hop; a frame may be given its own
  uint32_t our_ip = 0;           // host order, as every address here
  uint32_t zombie_ip = 0;
  uint16_t probe_port = 80;      // ZOMBIE:PROBEPORT
  uint32_t spoof_test_src = 0;   // the address the spoofing test's SYN-ACKs claim (the first target)
  uint8_t ttl = 64;
};

// What a zombie's RST to one of our IP ID probes says.
struct ZombieReply {
  uint32_t token = 0;   // the probe's ack, echoed as the RST's seq
  uint16_t dst_port = 0;  // the probe's source port
  uint16_t ip_id = 0;
};

class IdleScanFrames {
 public:
  static constexpr size_t kFrameSize = TcpProbe::kMaxFrameSize;

  explicit IdleScanFrames(const IdleFrameConfig& config) noexcept;

  // The SYN-ACK to ZOMBIE:PROBEPORT from `src_port`, ack (and seq) = token.
  size_t write_ipid_probe(uint8_t* out, uint16_t src_port, uint32_t token) const noexcept {
    ipid_probe_.write_fields(out, config_.zombie_ip, src_port, config_.probe_port, token,
                             static_cast<uint16_t>(token));
    return ipid_probe_.frame_size();
  }

  // The SYN from ZOMBIE:PROBEPORT to target:port; `dst_mac` (6 bytes), when
  // not null, replaces the template's next hop (an on-link target's own MAC).
  size_t write_spoofed_syn(uint8_t* out, uint32_t target, uint16_t port, uint32_t seq,
                           const uint8_t* dst_mac) const noexcept;

  // The spoofing test's SYN-ACK from config.spoof_test_src to ZOMBIE:PROBEPORT.
  size_t write_spoof_test(uint8_t* out, uint16_t src_port, uint32_t seq) const noexcept {
    spoof_test_.write_fields(out, config_.zombie_ip, src_port, config_.probe_port, seq,
                             static_cast<uint16_t>(seq));
    return spoof_test_.frame_size();
  }

  // The reply when `p` (decoded, checksums verified) is a RST from
  // ZOMBIE:PROBEPORT to us; nullopt for anything else.
  std::optional<ZombieReply> read_reply(const DecodedPacket& p) const noexcept;

  const IdleFrameConfig& config() const noexcept { return config_; }

 private:
  IdleFrameConfig config_;
  TcpProbe ipid_probe_;
  TcpProbe spoofed_syn_;
  TcpProbe spoof_test_;
};

}  // namespace portsweep
