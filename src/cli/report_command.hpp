#pragma once
// `portsweep report --from FILE [-oN F] [-oX F] [-oG F] [-oJ F] [-oA BASE]`:
// a saved scan (-oJ's JSON lines, or an XML report) written again in the
// formats asked for, through the same output layer as a scan; nothing is
// sent and no version detection runs. The way to get -oX back from the
// JSON lines of a scan that was killed (SIGKILL leaves no resume file and
// an unfinished XML): a last line cut mid-write is left out with one warning.
#include <ostream>
#include <string>
#include <vector>

namespace portsweep {

// `args` are the words after "report"; returns the exit status.
int run_report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace portsweep
