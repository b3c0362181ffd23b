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

std::optional<std::vector<uint16_t>> parse_port_ranges(std::string_view text) {
  std::vector<uint16_t> ports;
  auto number = [&](std::size_t& i, uint32_t& v) {
    const std::size_t from = i;
    v = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && v <= 65535) v = v * 10 + (text[i++] - '0');
    return i > from && v <= 65535;
  };
  for (std::size_t i = 0; i < text.size();) {
    uint32_t first = 0, last = 0;
    if (!number(i, first)) return std::nullopt;
    last = first;
    if (i < text.size() && text[i] == '-' && (++i, !number(i, last))) return std::nullopt;
    // Ascending and disjoint, as format_port_ranges writes them.
    if (last < first || (!ports.empty() && first <= ports.back())) return std::nullopt;
    for (uint32_t p = first; p <= last; ++p) ports.push_back(static_cast<uint16_t>(p));
    if (i < text.size() && (text[i] != ',' || ++i == text.size())) return std::nullopt;
  }
  return ports;
}

}  // namespace portsweep
