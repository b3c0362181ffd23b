#pragma once
// Text columns as nmap's normal output aligns them: each column as wide as
// its widest cell, one space between columns, the last column unpadded.
#include <string>
#include <vector>

namespace portsweep {

class PortTable {
 public:
  void add_row(std::vector<std::string> cells);
  // Every row, each ending in a newline.
  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace portsweep
