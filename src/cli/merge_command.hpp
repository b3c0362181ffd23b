#pragma once
// `portsweep merge --from FILE... [-oN F] [-oX F] [-oG F] [-oJ F] [-oA BASE]`:
// the outputs of a scan's shards (--shard I/N --seed S, run on one machine
// or many) written as the one scan they split. Every shard must be there and
// finished (shard_plan.hpp), and each finished file must read from end to
// end, all before the outputs begin; then the files are streamed through the
// same output layer as a scan, so memory is the host table's, never the
// results'.
#include <ostream>
#include <string>
#include <vector>

namespace portsweep {

// `args` are the words after "merge"; returns the exit status.
int run_merge_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace portsweep
