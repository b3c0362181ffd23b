#include "cli/merge_command.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "cli/command_line.hpp"
#include "cli/help_formatter.hpp"
#include "cli/host_discovery.hpp"
#include "cli/scan_plan.hpp"
#include "cli/output_options.hpp"
#include "cli/scan_report.hpp"
#include "cli/shard_plan.hpp"
#include "cli/subcommand_args.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "detect/saved_records.hpp"
#include "detect/saved_scan_cut.hpp"
#include "output/output_set.hpp"
#include "ports/services_db.hpp"
#include "targets/target_input.hpp"

namespace portsweep {

namespace {

struct MergeArgs {
  std::vector<std::string> from;
  ScanOptions scan;  // the output options a scan takes
};

std::optional<MergeArgs> parse_merge_args(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
                                          int& status) {
  MergeArgs m;
  ScanOptions& o = m.scan;
  CLI::App app{"portsweep merge: the outputs of a scan's shards written as the one scan they split", "portsweep merge"};
  app.formatter(std::make_shared<NmapHelpFormatter>());
  app.get_formatter()->column_width(30);
  app.footer("Every shard I/N of the scan must be among the files, each from a run that reached its end; a\n"
             "shard given twice (its -oJ and -oX, or a rerun) is read once.\n"
             "EXAMPLE:\n  portsweep -sS -p 22,80 --seed 7 --shard 1/2 -oJ s1.jsonl 198.19.0.0/16   (machine 1)\n"
             "  portsweep -sS -p 22,80 --seed 7 --shard 2/2 -oJ s2.jsonl 198.19.0.0/16   (machine 2)\n"
             "  portsweep merge --from s1.jsonl s2.jsonl -oX all.xml -oJ all.jsonl");
  app.add_option("--from", m.from, "Shard outputs: JSON lines (-oJ) or XML (-oX)")
      ->type_name("FILE")
      ->required()
      ->expected(1, -1);
  add_output_flags(app, o);
  app.add_option("--datadir", o.datadir, "Read nmap-services from DIR first")->type_name("DIR")->group("MISC");
  app.set_help_flag("-h,--help", "Print this help summary page")->group("MISC");
  if (!parse_subcommand(app, args, "merge", out, err, status)) return std::nullopt;
  o.argv = args;
  return m;
}

// Reads what a file says of its scan and checks that it reads to its end,
// before any output is touched (so a line damaged in its middle is refused
// while every existing output is as it was). JSON lines keep their end
// record on the last line: a file without one (killed, or cut mid-line) is
// incomplete and is not read further. XML is read whole: <runstats> closes it.
ShardFile read_shard_file(const std::string& path) {
  class HeaderAndEnding final : public SavedRecordSink {
   public:
    explicit HeaderAndEnding(bool header_only) : header_only_(header_only) {}
    SavedHeader header;
    std::optional<SavedEnding> ending;
    void on_header(const SavedHeader& h) override {
      header = h;
      seen_ = true;
    }
    void on_ending(const SavedEnding& e) override { ending = e; }
    bool wants_more() const override { return !(header_only_ && seen_); }

   private:
    bool header_only_;
    bool seen_ = false;
  };
  // The end of the file is read on its own: a pipe has none.
  if (std::error_code ec; std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec) &&
                          !std::filesystem::is_directory(path, ec))
    throw UsageError("\"" + path + "\" is not a regular file; merge reads shards' -oJ or -oX files");
  HeaderAndEnding head(true);
  read_saved_records(path, head);
  if (head.header.json) {
    std::istringstream last(last_line_of(path));
    HeaderAndEnding tail(false);
    try {
      read_jsonl_records(last, path, 0, tail);
    } catch (const UsageError&) {
      return {path, head.header, std::nullopt};  // a cut last line is no ending
    }
    if (!tail.ending) return {path, head.header, std::nullopt};
  }
  HeaderAndEnding whole(false);
  read_saved_records(path, whole);
  return {path, whole.header, whole.ending};
}

// Feeds one shard's records to the outputs. Hosts up are said once however
// many shards found them (each shard runs the whole host discovery); a
// route once too (each shard traces the hosts it saw).
class MergeSink final : public SavedRecordSink {
 public:
  MergeSink(OutputSet& outputs, std::unordered_map<uint32_t, uint32_t>& found_up,
            std::unordered_set<uint32_t>& traced)
      : outputs_(outputs), found_up_(found_up), traced_(traced) {
    batch_.reserve(kResultBatch);
  }

  void on_host_up(const HostUp& h) override {
    flush();
    // -Pn's "up" is the user's word, the same in every shard.
    if (h.reason == Reason::UserSet) {
      if (found_up_.emplace(h.ip, UINT32_MAX).second) outputs_.on_host_up(h);
      return;
    }
    uint32_t& shards = found_up_[h.ip];
    if (shards == UINT32_MAX) return;
    if (++shards == 1) outputs_.on_host_up(h);
  }
  void on_result(const PortResult& r) override {
    batch_.push_back(r);
    if (batch_.size() == kResultBatch) flush();
  }
  void on_run(const PortRun& run) override {
    PortResult r = run.result;
    for (uint32_t port = run.first; port <= run.last; ++port) {
      r.port = static_cast<uint16_t>(port);
      on_result(r);
    }
  }
  void on_service(const ServiceResult& s) override {
    flush();
    outputs_.on_service(s);
  }
  void on_trace(uint32_t ip, std::vector<TraceHop> hops) override {
    flush();
    if (traced_.insert(ip).second) outputs_.on_trace(ip, std::move(hops));
  }
  void on_os(OsReport os) override {
    flush();
    outputs_.on_os(std::move(os));
  }
  void on_os_hint(OsHint hint) override {
    flush();
    outputs_.on_os_hint(std::move(hint));
  }
  void flush() {
    if (batch_.empty()) return;
    for (const PortResult& r : batch_) last_result_us = std::max(last_result_us, r.time_us);
    outputs_.on_results(batch_);
    batch_.clear();
  }

  int64_t last_result_us = 0;

 private:
  OutputSet& outputs_;
  std::unordered_map<uint32_t, uint32_t>& found_up_;
  std::unordered_set<uint32_t>& traced_;
  std::vector<PortResult> batch_;
};

// -Pn takes every target to be up, and a shard's -oJ lists only the hosts
// that answered (its -oX lists them all): the targets are read again from
// the scan's command line, so the merge says what one process would.
void declare_pn_targets(const std::string& scan_args, OutputSet& outputs, std::ostream& err) {
  std::vector<std::string> words;
  for (const std::string_view w : args_words(scan_args)) words.emplace_back(w);
  std::ostringstream discard;
  const ParsedCommandLine parsed = parse_command_line(words, discard, discard);
  if (!parsed.options || !parsed.options->skip_discovery) return;
  try {
    const Targets targets = resolve_targets(target_options_of(*parsed.options));
    declare_targets_up(SweepTargets(targets.addresses, targets.addresses6), nullptr, outputs, err);
  } catch (const std::exception& e) {
    print_message_line(err, "portsweep merge: warning: ",
                       std::string("-Pn's targets cannot be listed again here (") + e.what() +
                           "): only the hosts that answered are reported up");
  }
}

}  // namespace

int run_merge_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int status = 0;
  std::optional<MergeArgs> parsed = parse_merge_args(args, out, err, status);
  if (!parsed) return status;
  const ScanOptions& o = parsed->scan;

  // Outputs are checked (and opened, not yet emptied) first, then every
  // shard, so a refused merge leaves every file as it was.
  OutputSet outputs;
  add_outputs(o, outputs, false, err);
  std::vector<ShardFile> files;
  for (const std::string& path : parsed->from) files.push_back(read_shard_file(path));
  const ShardPlan plan = plan_shard_merge(files);
  for (const std::string& note : plan.notes) print_message_line(err, "portsweep merge: ", note);

  const SavedHeader& first = files[plan.chosen[0]].header;
  const ServicesDb services = ServicesDb::load(o.datadir);
  ScanInfo info = scan_info_for(o, "portsweep", {}, services);
  info.args = "portsweep " + plan.scan_args;
  info.scans = first.scans;
  info.num_targets = first.num_targets;
  info.port_scan = first.port_scan;
  info.version_scan = first.version_scan;
  info.os_scan = first.os_scan;
  info.seed = plan.seed;
  info.start_time_us = first.start_time_us;
  for (const std::size_t f : plan.chosen)
    if (files[f].header.start_time_us != 0)
      info.start_time_us = std::min(info.start_time_us, files[f].header.start_time_us);
  outputs.begin(info);
  declare_pn_targets(plan.scan_args, outputs, err);

  std::unordered_map<uint32_t, uint32_t> found_up;  // host -> shards whose discovery found it (-Pn: UINT32_MAX)
  std::unordered_set<uint32_t> traced;
  ScanSummary summary;
  summary.hosts_total = first.num_targets;
  for (const std::size_t f : plan.chosen) {
    MergeSink sink(outputs, found_up, traced);
    read_saved_records(files[f].path, sink);
    sink.flush();
    const SavedEnding& ending = *files[f].ending;  // a chosen file is a finished one
    summary.end_time_us = std::max({summary.end_time_us, ending.end_time_us, sink.last_result_us});
    summary.packets_sent += ending.packets_sent;
    summary.packets_received += ending.packets_received;
  }
  // Each shard's discovery asks every target, then sweeps its cells of the
  // hosts it found. A host found by some shards only had its cells in the
  // others skipped: its unanswered ports are not known, so none is counted.
  std::unordered_set<uint32_t> partial;
  for (const auto& [ip, shards] : found_up)
    if (shards < plan.shards) partial.insert(ip);
  if (!partial.empty()) {
    print_message_line(err, "portsweep merge: warning: ",
                       std::to_string(partial.size()) + " hosts were found up by only some of the " +
                           std::to_string(plan.shards) + " shards; their ports in the other shards were not probed, " +
                           "so only their answered ports are reported");
    const PortsPerProto full = outputs.hosts().policy().ports_per_host;
    summary.ports_scanned_for = [partial = std::move(partial), full](uint32_t ip) {
      return partial.contains(ip) ? PortsPerProto{} : full;
    };
  }
  outputs.end(summary);
  return 0;
}

}  // namespace portsweep
