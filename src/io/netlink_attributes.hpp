#pragma once
// The attributes of one netlink message (or of one nest), checked before any
// is read. The kernel's answers are trusted to be well formed, but a
// length is never taken on trust: every attribute read goes through
// libmnl's validation first, so a short or malformed one rejects its
// message instead of being read past.
#include <libmnl/libmnl.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace portsweep::netlink {

// An attribute type that is read, and what its payload must be:
// MNL_TYPE_U8/U32 exactly that size, MNL_TYPE_NUL_STRING NUL-terminated,
// MNL_TYPE_NESTED empty or holding attributes, MNL_TYPE_BINARY any length.
struct AttributeRule {
  uint16_t type = 0;
  mnl_attr_data_type kind = MNL_TYPE_UNSPEC;
};

class AttributeTable {
 public:
  explicit AttributeTable(std::initializer_list<AttributeRule> rules);

  // Collects the attributes of `message` after its family header of
  // `header_size` bytes (the ifinfomsg, rtmsg, ... before them). Returns
  // MNL_CB_OK, or MNL_CB_ERROR with errno set (ERANGE: wrong length,
  // EINVAL: no NUL) when a ruled attribute fails validation. Types without
  // a rule, such as those newer than these headers, are skipped.
  int parse(const nlmsghdr& message, std::size_t header_size);
  // The same for the attributes inside `nest`.
  int parse_nested(const nlattr& nest);

  // The validated attribute of `type`, or nullptr when the message has none.
  const nlattr* get(uint16_t type) const noexcept {
    return type < found_.size() ? found_[type] : nullptr;
  }

 private:
  static int on_attribute(const nlattr* attr, void* data);

  std::vector<int> kinds_;             // by type: an mnl_attr_data_type, or -1 when not read
  std::vector<const nlattr*> found_;   // by type
};

// The family header (ifinfomsg, rtmsg, ...) that opens a message's payload,
// or nullptr with errno EBADMSG when the message is too short to hold one.
template <typename Header>
const Header* family_header(const nlmsghdr& message) {
  if (mnl_nlmsg_get_payload_len(&message) < sizeof(Header)) {
    errno = EBADMSG;
    return nullptr;
  }
  return static_cast<const Header*>(mnl_nlmsg_get_payload(&message));
}

}  // namespace portsweep::netlink
