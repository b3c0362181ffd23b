#include "ports/port_set.hpp"

#include <algorithm>
#include <stdexcept>

namespace portsweep {
namespace {

const std::vector<uint16_t> kNoPorts;

}  // namespace

const std::vector<uint16_t>& PortSet::ports(Proto proto) const {
  if (proto == Proto::Ip) return kNoPorts;
  return ports_[static_cast<size_t>(proto)];
}

void PortSet::set_ports(Proto proto, std::vector<uint16_t> ports) {
  if (proto == Proto::Ip) throw std::invalid_argument("PortSet: Proto::Ip has no ports");
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  ports_[static_cast<size_t>(proto)] = std::move(ports);
}

bool PortSet::contains(Proto proto, uint16_t port) const {
  const std::vector<uint16_t>& list = ports(proto);
  return std::binary_search(list.begin(), list.end(), port);
}

size_t PortSet::size() const {
  return ports_[0].size() + ports_[1].size() + ports_[2].size();
}

std::string format_port_ranges(const std::vector<uint16_t>& ascending_ports) {
  std::string out;
  const size_t n = ascending_ports.size();
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && ascending_ports[j + 1] == ascending_ports[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(ascending_ports[i]);
    if (j > i) out += '-' + std::to_string(ascending_ports[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace portsweep
