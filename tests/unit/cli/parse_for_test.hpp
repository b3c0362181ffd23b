#pragma once
// The command line parsed as main() parses it, with what it printed on
// standard output and standard error: the helper the CLI tests share.
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/command_line.hpp"

namespace portsweep::test {

struct Parse {
  ParsedCommandLine result;
  std::string out, err;
};

inline Parse parse(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  ParsedCommandLine r = parse_command_line(args, out, err);
  return {std::move(r), out.str(), err.str()};
}

}  // namespace portsweep::test
