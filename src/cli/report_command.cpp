#include "cli/report_command.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <optional>

#include "cli/help_formatter.hpp"
#include "cli/output_options.hpp"
#include "cli/scan_report.hpp"
#include "cli/subcommand_args.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "detect/saved_scan_cut.hpp"
#include "output/output_set.hpp"
#include "ports/services_db.hpp"

namespace portsweep {

namespace {

struct ReportArgs {
  std::string from;
  ScanOptions scan;  // the output options a scan takes
};

// Either parsed arguments, or the exit status of help or a usage error.
std::optional<ReportArgs> parse_report_args(const std::vector<std::string>& args, std::ostream& out,
                                            std::ostream& err, int& status) {
  ReportArgs r;
  ScanOptions& o = r.scan;
  CLI::App app{"portsweep report: a saved scan's results written again in the output formats asked for",
               "portsweep report"};
  app.formatter(std::make_shared<NmapHelpFormatter>());
  app.get_formatter()->column_width(30);
  app.footer("Sends nothing and runs no version detection (that is 'portsweep detect --from').\n"
             "EXAMPLE:\n  portsweep -sS -p 21,22,80,443 -oJ sweep.jsonl 198.19.0.0/24   (killed mid-scan)\n"
             "  portsweep report --from sweep.jsonl -oX sweep.xml");
  app.add_option("--from", r.from, "Saved results: JSON lines (-oJ) or XML (-oX)")->type_name("FILE")->required();
  add_output_flags(app, o);
  app.add_option("--datadir", o.datadir, "Read nmap-services from DIR first")->type_name("DIR")->group("MISC");
  // Not an option of report; taken only to say where it belongs.
  app.add_flag("--service-version", o.service_version)->group("");
  app.set_help_flag("-h,--help", "Print this help summary page")->group("MISC");

  auto usage = [&](const std::string& what) {
    print_message_line(err, "portsweep report: ", what + " (see 'portsweep report --help' for the options)");
    status = 2;
    return std::nullopt;
  };
  if (!parse_subcommand(app, args, "report", out, err, status)) return std::nullopt;
  if (o.service_version) {
    return usage("-sV is not an option of report, which writes saved results as they are; "
                 "version detection on them is 'portsweep detect --from FILE'");
  }
  o.argv = args;
  return r;
}

}  // namespace

int run_report_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int status = 0;
  std::optional<ReportArgs> parsed = parse_report_args(args, out, err, status);
  if (!parsed) return status;
  const ScanOptions& o = parsed->scan;

  // Outputs are checked (and opened, not yet emptied) first, so a refused
  // output is the only line a refused command prints.
  OutputSet outputs;
  add_outputs(o, outputs, false, err);
  const SalvagedScan salvaged = read_saved_scan_to_cut(parsed->from);
  const SavedScan& saved = salvaged.scan;
  const std::string cut_at = parsed->from + ":" + std::to_string(salvaged.cut_line);
  if (salvaged.cut_line != 0) {
    print_message_line(err, "portsweep report: warning: ",
                       cut_at + " is cut short (the scan was stopped while writing it) and is left out; the " +
                           std::to_string(saved.result_count()) + " results before it are reported");
  }
  const ServicesDb services = ServicesDb::load(o.datadir);

  ScanInfo info = scan_info_for(o, "portsweep report", args, services);
  info.scans = saved.scans;
  info.num_targets = saved.num_targets;
  // The report is of the saved scan, so it keeps that scan's time when the
  // file says it (JSON lines: their first result's).
  if (saved.start_time_us != 0) info.start_time_us = saved.start_time_us;
  // A ping scan's file (-sn) holds hosts and no port at all.
  info.port_scan = !saved.scans.empty() || saved.hosts.empty();
  outputs.begin(info);
  int64_t last_result_us = 0;
  for (const HostUp& h : saved.hosts) {
    outputs.on_host_up(h);
    last_result_us = std::max(last_result_us, h.time_us);
  }
  for_each_result_batch(saved, [&](std::span<const PortResult> batch) {
    outputs.on_results(batch);
    for (const PortResult& r : batch) last_result_us = std::max(last_result_us, r.time_us);
  });

  ScanSummary summary;
  summary.hosts_total = saved.num_targets;
  if (saved.start_time_us != 0) summary.end_time_us = std::max(saved.start_time_us, last_result_us);
  if (salvaged.cut_line != 0) summary.error = "saved results cut short at " + cut_at;
  outputs.end(summary);
  return 0;
}

}  // namespace portsweep
