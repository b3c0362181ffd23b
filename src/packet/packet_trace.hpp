#pragma once
// --packet-trace: one line per packet, in nmap's words, e.g.
//   SENT (0.0412s) TCP 198.18.0.1:45123 > 198.19.0.5:443 S ttl=64 id=3121 iplen=44  seq=2811532961 win=1024 <mss 1460>
//   RCVD (0.0415s) ICMP [198.19.0.5 > 198.18.0.1 Echo reply (type=0/code=0) id=5101 seq=3121] IP [ttl=64 id=0 iplen=36 ]
// IPv6 in nmap's IPv6 words — addresses beside ports in brackets, the hop
// limit, flow label and payload length where IPv4 has ttl, id and iplen —
// laid out as the IPv4 lines are:
//   SENT (0.0412s) TCP [2001:db8::1]:45123 > [2001:db8:1::5]:443 S hopl=64 flow=0 payloadlen=24  seq=2811532961 win=1024 <mss 1460>
//   RCVD (0.0415s) ICMPv6 [2001:db8:1::5 > 2001:db8::1 Echo reply (type=129/code=0) id=5101 seq=3121] IP [hopl=64 flow=0 payloadlen=16 ]
// A debugging aid, off the fast path: the engine calls it only when asked,
// one branch per burst otherwise.
#include <cstddef>
#include <cstdint>
#include <string>

namespace portsweep {

// The line for one Ethernet frame (`sent`: ours, else received), `seconds`
// after the scan started; a frame that does not decode says so.
std::string packet_trace_line(const uint8_t* frame, size_t len, bool sent, double seconds);

}  // namespace portsweep
