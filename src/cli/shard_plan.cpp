#include "cli/shard_plan.hpp"

#include <charconv>
#include <string_view>
#include <utility>

#include "common/error.hpp"

namespace portsweep {

namespace {

// "I/N" with 1 <= I <= N <= 65535, as --shard takes it.
std::optional<std::pair<uint32_t, uint32_t>> shard_of(std::string_view s) {
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  uint32_t i = 0, n = 0;
  const auto a = std::from_chars(s.data(), s.data() + slash, i);
  const auto b = std::from_chars(s.data() + slash + 1, s.data() + s.size(), n);
  if (a.ec != std::errc() || a.ptr != s.data() + slash || b.ec != std::errc() || b.ptr != s.data() + s.size() ||
      i < 1 || i > n || n > 65535)
    return std::nullopt;
  return std::pair{i, n};
}

std::string shard_text(uint32_t i, uint32_t n) { return std::to_string(i) + "/" + std::to_string(n); }

}  // namespace

std::string scan_identity(const std::string& args) {
  const std::vector<std::string_view> words = args_words(args);
  std::string out;
  for (std::size_t i = 1; i < words.size(); ++i) {
    const std::string_view w = words[i];
    const bool output = w.size() >= 3 && w[0] == '-' && w[1] == 'o' && std::string_view("NXGJAS").find(w[2]) != std::string_view::npos;
    if (output || w == "--shard") {
      // The value is attached (-oXfile) or the next word.
      if ((output && w.size() == 3) || w == "--shard") ++i;
      continue;
    }
    if (w.starts_with("--shard=")) continue;
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

ShardPlan plan_shard_merge(const std::vector<ShardFile>& files) {
  if (files.empty()) throw UsageError("no saved results to merge; expected --from FILE...");
  ShardPlan plan;
  std::vector<std::pair<uint32_t, uint32_t>> shard(files.size());
  for (std::size_t f = 0; f < files.size(); ++f) {
    const ShardFile& file = files[f];
    if (!file.header.known)
      throw UsageError("\"" + file.path + "\" does not say which scan it is (JSON lines from a portsweep without the "
                       "scan start record); merge needs -oJ or -oX of portsweep --shard I/N --seed S");
    if (file.header.shard.empty()) {
      shard[f] = {1, 1};
    } else if (const auto s = shard_of(file.header.shard)) {
      shard[f] = *s;
    } else {
      throw UsageError("\"" + file.path + "\" says it is shard \"" + file.header.shard + "\"; expected I/N");
    }
    const std::string identity = scan_identity(file.header.args);
    if (f == 0) {
      plan.shards = shard[f].second;
      plan.scan_args = identity;
      plan.seed = file.header.seed;
      continue;
    }
    const ShardFile& first = files[0];
    if (shard[f].second != plan.shards)
      throw UsageError("\"" + file.path + "\" is shard " + shard_text(shard[f].first, shard[f].second) + " but \"" +
                       first.path + "\" is shard " + shard_text(shard[0].first, plan.shards) +
                       ": shards of one scan split it the same number of ways");
    if (identity != plan.scan_args)
      throw UsageError("\"" + first.path + "\" and \"" + file.path + "\" are not shards of one scan: one ran '" +
                       plan.scan_args + "', the other '" + identity + "'");
    // One process's seed is its own when the scan is not sharded; shards
    // must share theirs, or their cells overlap.
    if (plan.shards > 1 && file.header.seed != plan.seed)
      throw UsageError("\"" + first.path + "\" and \"" + file.path +
                       "\" are not shards of one scan: their --seed differs, so their probes overlap");
  }
  plan.chosen.assign(plan.shards, files.size());
  std::vector<bool> given(plan.shards, false);
  std::vector<std::string> stopped(plan.shards);  // why a shard's first unfinished file is not enough
  auto finished = [&](std::size_t f) { return files[f].ending && files[f].ending->error.empty(); };
  for (std::size_t f = 0; f < files.size(); ++f) {
    const uint32_t i = shard[f].first - 1;
    const ShardFile& file = files[f];
    given[i] = true;
    if (!finished(f)) {
      if (stopped[i].empty())
        stopped[i] = "shard " + shard_text(i + 1, plan.shards) + " (\"" + file.path + "\") is incomplete: " +
                     (file.ending ? "its scan stopped early (" + file.ending->error + ")"
                                  : std::string("it has no end record (the scan was killed, or is still running)")) +
                     "; resume it with 'portsweep --resume portsweep.resume' where it ran, then merge again";
    } else if (plan.chosen[i] == files.size()) {
      plan.chosen[i] = f;
    } else {
      plan.notes.push_back("\"" + file.path + "\" is left out: \"" + files[plan.chosen[i]].path + "\" holds shard " +
                           shard_text(i + 1, plan.shards) + " too");
    }
  }
  std::string missing;
  uint32_t missing_count = 0;
  for (uint32_t i = 0; i < plan.shards; ++i)
    if (!given[i] && ++missing_count <= 8) missing += (missing.empty() ? "" : ", ") + shard_text(i + 1, plan.shards);
  if (missing_count > 8) missing += " and " + std::to_string(missing_count - 8) + " more";
  if (missing_count != 0)
    throw UsageError(std::string(missing_count == 1 ? "shard " : "shards ") + missing +
                     (missing_count == 1 ? " is" : " are") + " missing: no file among --from holds " +
                     (missing_count == 1 ? "it" : "them") + "; a merge of the rest would not be the whole scan");
  for (uint32_t i = 0; i < plan.shards; ++i)
    if (plan.chosen[i] == files.size()) throw UsageError(stopped[i]);
  // Unfinished files of a shard a finished file holds are left out; say so.
  for (std::size_t f = 0; f < files.size(); ++f)
    if (!finished(f))
      plan.notes.push_back("\"" + files[f].path + "\" is left out: it is incomplete and \"" +
                           files[plan.chosen[shard[f].first - 1]].path + "\" holds shard " +
                           shard_text(shard[f].first, plan.shards));
  return plan;
}

}  // namespace portsweep
