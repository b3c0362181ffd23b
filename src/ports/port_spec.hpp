#pragma once
// nmap's -p syntax (also used by --exclude-ports), per protocol:
//   22,80,1000-2000      numbers and ranges; "-1024" is 1-1024, "60000-" is
//                        60000-65535, "-" alone is 1-65535; port 0 only when
//                        written out ("0", "0-100")
//   T:21-25,U:53,S:9     a T:/U:/S: prefix covers what follows it, up to the
//                        next prefix
//   ssh,http*,x11-?      service names with '*'/'?' wildcards
//   [1-1024]             only the ports of that range listed in the services file
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"
#include "ports/services_db.hpp"

namespace portsweep {

class PortSpec {
 public:
  PortSpec();

  bool has(Proto proto, uint16_t port) const;
  std::vector<uint16_t> ports(Proto proto) const;  // ascending
  // Whether a T:/U:/S: prefix for the protocol appeared; a prefix for a
  // protocol that is not scanned earns a warning.
  bool prefixed(Proto proto) const;

  void add(Proto proto, uint16_t first, uint16_t last);
  void mark_prefixed(Proto proto);

 private:
  std::array<std::vector<bool>, 3> ports_;
  std::array<bool, 3> prefixed_{};
};

// Unprefixed entries apply to each protocol in `unprefixed_protos`; a service
// name must match in at least one of the protocols it applies to. `option`
// words the errors ("-p", "--exclude-ports"). Throws UsageError, e.g.
//   invalid port "70000" in -p: ports are 0-65535
//   invalid port range "5-1" in -p: the start is greater than the end
PortSpec parse_port_spec(std::string_view spec, std::string_view option,
                         const std::vector<Proto>& unprefixed_protos, const ServicesDb& services);

}  // namespace portsweep
