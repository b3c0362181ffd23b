#include "io/netlink_dump.hpp"

#include <cerrno>

#include "common/error.hpp"

namespace portsweep::netlink::detail {

void fail(const RequestResult& r, const std::string& what) {
  const std::string why = std::strerror(r.error);
  switch (r.outcome) {
    case Outcome::NoSocket:
      throw RuntimeFailure("cannot open a netlink socket to read the routing tables: " + why + ".");
    case Outcome::NotSent:
      throw RuntimeFailure("cannot send a netlink request: " + why + ".");
    case Outcome::NoAnswer:
      if (r.error == ENOSPC) {
        throw RuntimeFailure("a netlink answer did not fit in " + std::to_string(kAnswerBuffer) + " bytes.");
      }
      throw RuntimeFailure("no answer from the kernel to a netlink request: " + why + ".");
    case Outcome::Malformed:
      throw RuntimeFailure("the kernel's answer with the " + what + " is malformed: " + why + ".");
    case Outcome::DumpChanged:
      throw RuntimeFailure("the " + what + " kept changing while being read; try again.");
    case Outcome::Done:
    case Outcome::Refused:
      break;
  }
  throw RuntimeFailure("cannot read the " + what + " from the kernel: " + why + ".");
}

std::optional<MacAddr> mac_of(const nlattr* a) {
  if (a == nullptr || mnl_attr_get_payload_len(a) != 6) return std::nullopt;
  MacAddr mac;
  std::memcpy(mac.bytes.data(), mnl_attr_get_payload(a), 6);
  return mac;
}

std::string string_of(const nlattr* a) {
  const char* s = mnl_attr_get_str(a);
  return std::string(s, strnlen(s, mnl_attr_get_payload_len(a)));
}

}  // namespace portsweep::netlink::detail
