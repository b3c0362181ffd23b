// -sI ZOMBIE[:PROBEPORT], the idle scan: spoofed SYNs "from" the zombie, and
// the zombie's IP ID read before and after says how many of them found an
// open port (engine/idle_scan.hpp has the method). Its packets are written
// here from the TCP template; the command line runs engine/idle_scan
// instead of the stateless sweep (runner Idle), so create() refuses. An
// unconfirmed port is closed|filtered, as nmap reports it: a closed port's
// RST and a filtered port's silence both leave the zombie's IP ID alone.
#include "probes/tcp_idle_scan.hpp"

#include <cstring>

#include "common/error.hpp"
#include "packet/wire.hpp"
#include "probes/probe_module.hpp"

namespace portsweep {

namespace {

ProbeConfig frame_config(const IdleFrameConfig& c, uint32_t src_ip, const MacAddress& dst_mac) {
  ProbeConfig p;
  p.src_mac = c.src_mac;
  p.dst_mac = dst_mac;
  p.src_ip = src_ip;
  p.ttl = c.ttl;
  return p;
}

std::unique_ptr<Prober> create(const ProbeConfig&) {
  throw RuntimeFailure("-sI is carried out by the idle-scan engine (engine/idle_scan), not by the sweep");
}

}  // namespace

IdleScanFrames::IdleScanFrames(const IdleFrameConfig& config) noexcept
    : config_(config),
      ipid_probe_(frame_config(config, config.our_ip, config.zombie_hop_mac), wire::kTcpSyn | wire::kTcpAck),
      spoofed_syn_(frame_config(config, config.zombie_ip, config.target_hop_mac), wire::kTcpSyn),
      spoof_test_(frame_config(config, config.spoof_test_src, config.zombie_hop_mac), wire::kTcpSyn | wire::kTcpAck) {}

size_t IdleScanFrames::write_spoofed_syn(uint8_t* out, uint32_t target, uint16_t port, uint32_t seq,
                                         const uint8_t* dst_mac) const noexcept {
  spoofed_syn_.write_fields(out, target, config_.probe_port, port, seq, static_cast<uint16_t>(seq));
  if (dst_mac != nullptr) std::memcpy(out, dst_mac, 6);
  return spoofed_syn_.frame_size();
}

std::optional<ZombieReply> IdleScanFrames::read_reply(const DecodedPacket& p) const noexcept {
  if (p.ip_proto != wire::kIpProtoTcp || p.src_ip != config_.zombie_ip || p.dst_ip != config_.our_ip ||
      p.src_port != config_.probe_port || (p.tcp_flags & wire::kTcpRst) == 0)
    return std::nullopt;
  return ZombieReply{p.seq, p.dst_port, p.ip_id};
}

// nmap writes <scaninfo type="idle"> for -sI, although its nmap.dtd's
// scan_types does not list it; portsweep writes what nmap writes.
const ProbeModule kTcpIdleScan{
    .name = "tcp_idle", .nmap_option = "-sI", .long_option = "--idle-scan", .scan_type = "idle",
    .summary = "TCP idle scan: SYNs spoofed from ZOMBIE, read through its IP ID (needs -Pn)", .proto = Proto::Tcp,
    .no_response = PortState::ClosedFiltered, .rx_filter = "tcp", .create = &create, .raw_packets = true,
    .runner = ScanRunner::Idle, .option_argument = "ZOMBIE[:PROBEPORT]"};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_idle, portsweep::kTcpIdleScan)
