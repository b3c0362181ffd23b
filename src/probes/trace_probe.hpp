#pragma once
// --traceroute's probe: an ICMP echo request whose IP TTL is the slot's
// "port" (1, 2, 3, ...), sent to every TTL of every host at once rather than
// hop after hop.
//
// Design note: the TTL rides in three places a reply hands back, so nothing
// is kept per probe. The IP id is the TTL (a hop's time-exceeded error
// quotes our IP header); the payload holds the send time and the TTL (the
// target's echo reply copies it, and a hop quoting the whole datagram, as
// Linux and RFC 1812 routers do, returns it too); the echo id and sequence
// number are the cookie of (us, target, TTL), which both kinds of answer
// carry. Per probe: a 51-byte template copy, a full 20-byte IP header sum
// (the TTL changes with every probe), ~8 16-bit adds and the hash.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "packet/packet_decoder.hpp"
#include "packet/probe_cookie.hpp"
#include "portsweep/result.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

class Prober;

// The highest TTL a traceroute probes: the reply's TTL field and ip id carry it.
inline constexpr uint16_t kMaxTraceTtl = 64;

class TraceProbe {
 public:
  static constexpr size_t kIpOff = 14;
  static constexpr size_t kL4Off = 34;
  static constexpr size_t kBody = 9;  // send time (8 bytes), TTL

  explicit TraceProbe(const ProbeConfig& config);

  // `ttl` is the slot's "port": 1 to kMaxTraceTtl.
  size_t write(uint8_t* out, uint32_t dst_ip, uint16_t ttl, int64_t now_us) noexcept;
  size_t frame_capacity() const noexcept { return kL4Off + 8 + kBody; }
  const ProbeCookie& cookie() const noexcept { return cookie_; }

 private:
  ProbeConfig config_;
  ProbeCookie cookie_;
  std::array<uint8_t, 64> frame_{};
  uint16_t len_ = 0;
};

// A hop's ICMP time exceeded quoting one of our probes -> that hop's
// address at that TTL (reason time-exceeded); the target's echo reply -> the
// target itself at that TTL (echo-reply); an unreachable error quoting a
// probe -> whoever sent it, at that TTL (its reason). Results are "ip"
// protocol, port = the TTL, from_ip = who answered.
class TraceClassifier {
 public:
  TraceClassifier(const ProbeCookie& cookie, uint32_t src_ip) noexcept : cookie_(cookie), src_ip_(src_ip) {}
  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out) const noexcept;

 private:
  ProbeCookie cookie_;
  uint32_t src_ip_;
};

std::unique_ptr<Prober> make_trace_prober(const ProbeConfig& config);

// The TCP form, for hosts that drop echo requests: a SYN with TTL t to an
// open port (config.trace_tcp_port). The TTL is the ip id (a hop's error
// quotes it) and the low 6 bits of the sequence number (the host's SYN-ACK
// or RST acknowledges it); the cookie of (us, host, ports) fills the other
// 26. A SYN-ACK is answered with a RST, as -sS does.
class TraceTcpClassifier {
 public:
  TraceTcpClassifier(const ProbeCookie& cookie, uint32_t src_ip, SourcePorts src_ports, uint16_t dst_port) noexcept
      : cookie_(cookie), src_ip_(src_ip), src_ports_(src_ports), dst_port_(dst_port) {}
  ReplyVerdict classify(const DecodedPacket& reply, int64_t time_us, PortResult& out, bool& answer) const noexcept;

 private:
  ProbeCookie cookie_;
  uint32_t src_ip_;
  SourcePorts src_ports_;
  uint16_t dst_port_;
};

std::unique_ptr<Prober> make_trace_tcp_prober(const ProbeConfig& config);

}  // namespace portsweep
