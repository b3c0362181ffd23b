#pragma once
// `portsweep detect --from FILE [options]`: version detection, later, on
// the open ports of a saved scan (-oJ or -oX), writing enriched output with
// the same -oN/-oX/-oG/-oJ/-oA options as a scan.
#include <ostream>
#include <string>
#include <vector>

namespace portsweep {

// `args` are the words after "detect"; returns the exit status.
int run_detect_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace portsweep
