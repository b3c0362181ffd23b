#pragma once
// What a scan produces: one record per (address, protocol, port). These types
// are shared by the engine (which classifies replies), the output formats and
// the follow-up detection stage.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "portsweep/ip_address.hpp"

namespace portsweep {

enum class Proto : uint8_t { Tcp, Udp, Sctp, Ip };

// Proto has four values; several tables are indexed by it.
inline constexpr std::size_t kProtoCount = 4;
inline constexpr std::size_t proto_index(Proto p) { return static_cast<std::size_t>(p); }

// nmap's six port states.
enum class PortState : uint8_t { Open, Closed, Filtered, Unfiltered, OpenFiltered, ClosedFiltered };

// Why a state was chosen; printed by --reason and kept in every output format.
enum class Reason : uint8_t {
  SynAck,
  Reset,
  NoResponse,
  HostUnreach,
  NetUnreach,
  ProtoUnreach,
  PortUnreach,
  HostProhibited,
  NetProhibited,
  AdminProhibited,
  UdpResponse,
  EchoReply,
  ProtoResponse,
  ConnRefused,  // -sT: the kernel's connect() was refused (a RST, or ICMP port unreachable)
  // Why a host is up (host discovery, nmap's words).
  TimestampReply,    // ICMP timestamp reply (-PP)
  AddressmaskReply,  // ICMP address mask reply (-PM)
  ArpResponse,       // on-link: the host answered ARP (-PR)
  UserSet,           // -Pn: taken to be up, nothing asked
  TimeExceeded,      // --traceroute: a hop's ICMP time exceeded
  // -sI: the zombie's IP ID moved for the port's spoofed SYN (open), or did not.
  IpidChange,
  NoIpidChange,
  // ICMPv6 errors (nmap's words for them; IPv6's address unreachable and
  // admin prohibited read as host-unreach and admin-prohibited).
  NoRoute,       // destination unreachable, code 0
  BeyondScope,   // code 2
  RejectRoute,   // code 6
  ParamProblem,  // parameter problem (-sO's "closed": unrecognised next header)
  NdResponse,    // on-link IPv6: the host answered neighbour discovery (nmap's -PR for IPv6)
};

// Reason's values are 0 .. kReasonCount - 1 (readers of saved results and
// resume files check against it).
inline constexpr std::size_t kReasonCount = 26;

struct PortResult {
  IpAddress ip{};         // either family (IPv4 as ::ffff:a.b.c.d)
  uint16_t port = 0;
  Proto proto = Proto::Tcp;
  PortState state = PortState::Filtered;
  Reason reason = Reason::NoResponse;
  uint8_t ttl = 0;        // TTL of the reply; 0 when there was none
  int64_t time_us = 0;    // wall-clock time of the reply, microseconds since the epoch
  // Round trip of this probe when the reply carries the send time back (an
  // echo's payload, a timestamp's originate field); 0 when it does not.
  uint32_t rtt_us = 0;
  // Who sent the reply, when not the target itself: a traceroute hop (the
  // target's address is `ip`). Unspecified (::) otherwise.
  IpAddress from_ip{};
};

// A host host discovery found up (or -Pn took to be): why, and the round
// trip when the answer measured one.
struct HostUp {
  IpAddress ip{};
  Reason reason = Reason::UserSet;
  uint8_t ttl = 0;       // of the answer; 0 for ARP and -Pn
  int64_t time_us = 0;   // wall clock of the answer
  uint32_t rtt_us = 0;   // 0: not measured
  // An on-link host's MAC, when ARP found it (nmap prints it and its vendor).
  std::array<uint8_t, 6> mac{};
  bool has_mac = false;
};

std::string_view to_string(Proto p);
std::string_view to_string(PortState s);
// nmap's reason strings: "syn-ack", "reset", "no-response", "host-unreach", ...
std::string_view to_string(Reason r);

}  // namespace portsweep
