#pragma once
// Which files `portsweep merge` reads, checked before a byte is written.
// Shards of one scan share its command line (but for --shard and the output
// files) and its --seed, so together they walk one permutation whose cells
// no two shards share: each result of the scan is in exactly one shard. A
// merge is therefore exact only when every shard 1..N is there, each from a
// run that reached its end. Anything else is refused with one line naming
// the shard; a shard given twice (its -oJ and its -oX, or a rerun) is read
// once, so no result is counted twice.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detect/saved_records.hpp"

namespace portsweep {

// One input file: what its header and ending say (no ending: cut short).
struct ShardFile {
  std::string path;
  SavedHeader header;
  std::optional<SavedEnding> ending;
};

struct ShardPlan {
  uint32_t shards = 1;
  // The command line without argv[0], --shard and the output files: the
  // scan the shards split, as the merged outputs name it.
  std::string scan_args;
  std::optional<uint64_t> seed;
  // The file read for shard i+1 (indices into the files given).
  std::vector<std::size_t> chosen;
  // One line each for the files left out (another file holds their shard).
  std::vector<std::string> notes;
};

// `args` without its first word, --shard and -oN/-oX/-oG/-oJ/-oA/-oS with
// their values: what must be equal for two files to be shards of one scan.
std::string scan_identity(const std::string& args);

// Checks the files and picks one per shard. Throws UsageError with one line:
// a file without a header, files of different scans, a shard missing, a
// shard whose run did not reach its end.
ShardPlan plan_shard_merge(const std::vector<ShardFile>& files);

}  // namespace portsweep
