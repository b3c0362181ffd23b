#pragma once
// The names a report gives a host: the name the user typed as its target
// (with the other addresses that name has, which were not scanned), and the
// PTR name reverse DNS found. The output layer only reads them; who finds
// them (src/dns, glued in by the CLI) is behind HostNameSource.
#include <cstdint>
#include <string>
#include <vector>

#include "portsweep/ip_address.hpp"

namespace portsweep {

struct HostNames {
  std::string user;                      // the target's name as typed; empty: given as an address
  std::vector<IpAddress> user_others;    // user's other addresses (either family), not scanned
  std::string ptr;                       // reverse DNS; empty: none (or -n)

  bool empty() const { return user.empty() && ptr.empty(); }
  // The name nmap heads a host's report with: the user's, else the PTR.
  const std::string& shown() const { return user.empty() ? ptr : user; }
};

class HostNameSource {
 public:
  virtual ~HostNameSource() = default;
  // A host the scan found up (discovery, or its first port result); called
  // once per host under OutputSet's lock, so it must not block.
  virtual void host_found(const IpAddress& ip) = 0;
  // Before the writers' end(): the lookups' bounded last wait.
  virtual void settle() = 0;
  // After settle().
  virtual HostNames names_of(const IpAddress& ip) const = 0;
};

}  // namespace portsweep
