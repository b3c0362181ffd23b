#pragma once
// One rtnetlink request through libmnl: the single place that opens a
// NETLINK_ROUTE socket, sends a request and runs the answer's messages
// through a callback until the kernel says DONE (a dump) or acknowledges
// (anything else). The route tables (netlink_route.cpp) and the XDP link
// calls (xdp_link.cpp) both go through it. It throws nothing, so the XDP
// clean-up can use it from a destructor; callers turn an outcome into
// their own sentence.
#include <cstdint>
#include <functional>

struct nlmsghdr;

namespace portsweep::netlink {

enum class Outcome : uint8_t {
  Done,         // answered to the end
  NoSocket,     // the socket could not be opened or bound
  NotSent,      // sendto() failed
  NoAnswer,     // recvfrom() failed or timed out; ENOSPC: a datagram did not fit kAnswerBuffer
  Refused,      // the kernel answered with an error
  Malformed,    // a message of the answer failed validation (the callback rejected it)
  DumpChanged,  // the table changed during the dump (NLM_F_DUMP_INTR): ask again
};

struct RequestResult {
  Outcome outcome = Outcome::Done;
  int error = 0;  // errno of the failure: the kernel's own for Refused
  bool ok() const noexcept { return outcome == Outcome::Done; }
};

// Big enough for any one datagram the kernel sends an answer in.
inline constexpr std::size_t kAnswerBuffer = 64 * 1024;

// Called for each data message of the answer. Returns MNL_CB_OK to go on,
// or MNL_CB_ERROR with errno set to reject the message as malformed, which
// ends the request with Outcome::Malformed.
using MessageHandler = std::function<int(const nlmsghdr& message)>;

// Sends `request` (built with mnl_nlmsg_put_header; NLM_F_REQUEST and the
// sequence number are set here, and NLM_F_ACK unless it is a dump, so every
// answer ends in DONE or an NLMSG_ERROR) on a socket of its own, which a
// 2 s receive timeout guards against a hang, and hands every data message
// of the answer to `on_message`.
RequestResult run_request(nlmsghdr& request, const MessageHandler& on_message);

}  // namespace portsweep::netlink
