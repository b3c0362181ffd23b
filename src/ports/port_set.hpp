#pragma once
// The ports to probe, per protocol. Lists are always ascending; sequential()
// records -r, telling the engine not to shuffle them.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"

namespace portsweep {

class PortSet {
 public:
  // Proto::Ip has no ports and always yields an empty list.
  const std::vector<uint16_t>& ports(Proto proto) const;
  // Sorts and removes duplicates. Throws std::invalid_argument for Proto::Ip.
  void set_ports(Proto proto, std::vector<uint16_t> ports);
  bool contains(Proto proto, uint16_t port) const;

  size_t size() const;  // over all protocols
  bool empty() const { return size() == 0; }

  bool sequential() const { return sequential_; }
  void set_sequential(bool sequential) { sequential_ = sequential; }

  friend bool operator==(const PortSet&, const PortSet&) = default;

 private:
  std::array<std::vector<uint16_t>, 3> ports_;  // indexed by Tcp, Udp, Sctp
  bool sequential_ = false;
};

// Ascending ports as compact text, "21-23,80,443": nmap's scaninfo form.
std::string format_port_ranges(const std::vector<uint16_t>& ascending_ports);

// The ports such a text names, ascending; nullopt when the text is not of
// that form (a saved file's scaninfo read back may be anything).
std::optional<std::vector<uint16_t>> parse_port_ranges(std::string_view text);

}  // namespace portsweep
