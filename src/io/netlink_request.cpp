#include "io/netlink_request.hpp"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>
#include <memory>
#include <vector>

namespace portsweep::netlink {

namespace {

struct SocketCloser {
  void operator()(mnl_socket* s) const noexcept { mnl_socket_close(s); }
};
using Socket = std::unique_ptr<mnl_socket, SocketCloser>;

// One socket carries one request, so its sequence number can be fixed.
constexpr uint32_t kSequence = 1;

// What the callbacks learn while mnl_cb_run2 walks the answer.
struct Walk {
  const MessageHandler* on_message = nullptr;
  bool rejected = false;  // on_message returned MNL_CB_ERROR
  int kernel_error = 0;   // errno of the kernel's NLMSG_ERROR; 0 for an acknowledgement
};

int on_data(const nlmsghdr* m, void* data) {
  auto* walk = static_cast<Walk*>(data);
  const int r = (*walk->on_message)(*m);
  if (r == MNL_CB_ERROR) walk->rejected = true;
  return r;
}

// libmnl's default turns the kernel's error into errno and MNL_CB_ERROR,
// which mnl_cb_run reports like its own checks' failures; this keeps the
// kernel's refusal apart from a malformed answer.
int on_error(const nlmsghdr* m, void* data) {
  if (mnl_nlmsg_get_payload_len(m) < sizeof(nlmsgerr)) {
    errno = EBADMSG;
    return MNL_CB_ERROR;
  }
  const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m));
  static_cast<Walk*>(data)->kernel_error = -e->error;
  return MNL_CB_STOP;
}

int on_done(const nlmsghdr*, void*) { return MNL_CB_STOP; }

}  // namespace

RequestResult run_request(nlmsghdr& request, const MessageHandler& on_message) {
  Socket sock(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!sock || mnl_socket_bind(sock.get(), 0, MNL_SOCKET_AUTOPID) < 0) return {Outcome::NoSocket, errno};
  // The kernel answers at once; the timeout only guards against a hang.
  timeval timeout{2, 0};
  setsockopt(mnl_socket_get_fd(sock.get()), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  request.nlmsg_flags |= NLM_F_REQUEST;
  // A dump ends in NLMSG_DONE; anything else ends in the acknowledgement
  // asked for here, so both end in a message mnl_cb_run2 stops at.
  if ((request.nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP) request.nlmsg_flags |= NLM_F_ACK;
  request.nlmsg_seq = kSequence;
  if (mnl_socket_sendto(sock.get(), &request, request.nlmsg_len) < 0) return {Outcome::NotSent, errno};

  const unsigned portid = mnl_socket_get_portid(sock.get());
  std::vector<char> answer(kAnswerBuffer);
  // With a control table, libmnl calls only what the table names (no
  // defaults), so DONE needs its entry too.
  mnl_cb_t control[NLMSG_MIN_TYPE] = {};
  control[NLMSG_ERROR] = on_error;
  control[NLMSG_DONE] = on_done;
  Walk walk{.on_message = &on_message};
  for (;;) {
    // libmnl reports a datagram cut short by the buffer (MSG_TRUNC) as ENOSPC.
    const ssize_t n = mnl_socket_recvfrom(sock.get(), answer.data(), answer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return {Outcome::NoAnswer, errno};
    }
    const int r = mnl_cb_run2(answer.data(), static_cast<size_t>(n), kSequence, portid, on_data, &walk, control,
                              NLMSG_MIN_TYPE);
    if (r == MNL_CB_ERROR) {
      const int err = errno;
      // mnl_cb_run's word for a message flagged NLM_F_DUMP_INTR is EINTR.
      if (!walk.rejected && err == EINTR) return {Outcome::DumpChanged, err};
      // Rejected by a callback, or by libmnl's own checks (EPROTO: another
      // sequence number, ESRCH: another sender, EBADMSG: a short error).
      return {Outcome::Malformed, err};
    }
    if (r == MNL_CB_STOP) {
      if (walk.kernel_error != 0) return {Outcome::Refused, walk.kernel_error};
      return {};
    }
  }
}

}  // namespace portsweep::netlink
