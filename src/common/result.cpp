#include "portsweep/result.hpp"

namespace portsweep {

std::string_view to_string(Proto p) {
  switch (p) {
    case Proto::Tcp: return "tcp";
    case Proto::Udp: return "udp";
    case Proto::Sctp: return "sctp";
    case Proto::Ip: return "ip";
  }
  return "?";
}

std::string_view to_string(PortState s) {
  switch (s) {
    case PortState::Open: return "open";
    case PortState::Closed: return "closed";
    case PortState::Filtered: return "filtered";
    case PortState::Unfiltered: return "unfiltered";
    case PortState::OpenFiltered: return "open|filtered";
    case PortState::ClosedFiltered: return "closed|filtered";
  }
  return "?";
}

static_assert(static_cast<std::size_t>(Reason::NdResponse) + 1 == kReasonCount, "kReasonCount follows the last Reason");

std::string_view to_string(Reason r) {
  switch (r) {
    case Reason::SynAck: return "syn-ack";
    case Reason::Reset: return "reset";
    case Reason::NoResponse: return "no-response";
    case Reason::HostUnreach: return "host-unreach";
    case Reason::NetUnreach: return "net-unreach";
    case Reason::ProtoUnreach: return "proto-unreach";
    case Reason::PortUnreach: return "port-unreach";
    case Reason::HostProhibited: return "host-prohibited";
    case Reason::NetProhibited: return "net-prohibited";
    case Reason::AdminProhibited: return "admin-prohibited";
    case Reason::UdpResponse: return "udp-response";
    case Reason::EchoReply: return "echo-reply";
    case Reason::ProtoResponse: return "proto-response";
    case Reason::ConnRefused: return "conn-refused";
    case Reason::TimestampReply: return "timestamp-reply";
    case Reason::AddressmaskReply: return "addressmask-reply";
    case Reason::ArpResponse: return "arp-response";
    case Reason::UserSet: return "user-set";
    case Reason::TimeExceeded: return "time-exceeded";
    case Reason::IpidChange: return "ipid-change";
    case Reason::NoIpidChange: return "no-ipid-change";
    case Reason::NoRoute: return "no-route";
    case Reason::BeyondScope: return "beyond-scope";
    case Reason::RejectRoute: return "reject-route";
    case Reason::ParamProblem: return "param-problem";
    case Reason::NdResponse: return "nd-response";
  }
  return "?";
}

}  // namespace portsweep
