#include "output/port_table.hpp"

#include <algorithm>

namespace portsweep {

void PortTable::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

std::string PortTable::render() const {
  std::vector<std::size_t> widths;
  for (const auto& row : rows_) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  }
  std::string out;
  for (const auto& row : rows_) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      out += row[i];
      if (i + 1 < row.size()) out.append(widths[i] - row[i].size() + 1, ' ');
    }
    out += '\n';
  }
  return out;
}

}  // namespace portsweep
