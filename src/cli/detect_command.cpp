#include "cli/detect_command.hpp"

#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>

#include "cli/output_options.hpp"
#include "cli/help_formatter.hpp"
#include "cli/option_numbers.hpp"
#include "cli/scan_report.hpp"
#include "cli/service_options.hpp"
#include "cli/subcommand_args.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "detect/saved_scan.hpp"
#include "detect/service_probes.hpp"
#include "output/format_registry.hpp"
#include "output/output_set.hpp"
#include "ports/services_db.hpp"

namespace portsweep {

namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_detect_interrupt(int) { g_stop.store(true); }

struct DetectArgs {
  std::string from;
  ScanOptions scan;  // the options -sV shares with a scan: intensity, timing, outputs
};

// Either parsed arguments, or the exit status of help or a usage error.
std::optional<DetectArgs> parse_detect_args(const std::vector<std::string>& args, std::ostream& out,
                                            std::ostream& err, int& status) {
  DetectArgs d;
  ScanOptions& o = d.scan;
  CLI::App app{"portsweep detect: version detection (-sV) on the open ports of a saved scan", "portsweep detect"};
  app.formatter(std::make_shared<NmapHelpFormatter>());
  app.get_formatter()->column_width(30);
  app.footer("EXAMPLE:\n  portsweep -sS -p 21,22,80,443 -oJ sweep.jsonl 198.19.0.0/24\n"
             "  portsweep detect --from sweep.jsonl -oX services.xml");
  app.add_option("--from", d.from, "Saved results: JSON lines (-oJ) or XML (-oX)")
      ->type_name("FILE")->required();
  const char* sv = "SERVICE/VERSION DETECTION";
  app.add_option("--version-intensity", o.version_intensity, "Set from 0 (light) to 9 (try all probes)")
      ->type_name("<0-9>")->transform(check_version_intensity)->group(sv);
  app.add_flag("--version-light", o.version_light, "Limit to most likely probes (intensity 2)")->group(sv);
  app.add_flag("--version-all", o.version_all, "Try every single probe (intensity 9)")->group(sv);
  app.add_flag("--version-trace", o.version_trace, "Show detailed version scan activity")->group(sv);
  app.add_flag("--allports", o.all_ports, "Don't exclude any ports from version detection")->group(sv);
  app.add_option("--version-parallel", o.version_parallel,
                 "A port's probes sent at once, nmap's order deciding (default 8; 1: one after another)")
      ->type_name("N")->transform(whole_in("--version-parallel", 1, 64))->group(sv);
  app.add_option("--max-parallelism", o.max_parallelism, "Connections at once (default 4096)")
      ->type_name("N")->transform(whole_in("--max-parallelism", 1, 65535))->group(sv);
  // -sV is implied; accepted so a scan's command line can be reused.
  app.add_flag("--service-version", o.service_version, "Probe open ports (implied)")->group(sv);
  app.add_option("--timing", o.timing, "Timing template (higher is faster)")
      ->type_name("<0-5>")->check(CLI::Range(0, 5).description(""))->group("TIMING");
  app.add_option("--datadir", o.datadir, "Read nmap-service-probes and nmap-services from DIR first")
      ->type_name("DIR")->group("MISC");
  add_output_flags(app, o);
  app.set_help_flag("-h,--help", "Print this help summary page")->group("MISC");

  if (!parse_subcommand(app, args, "detect", out, err, status)) return std::nullopt;
  o.argv = args;
  return d;
}

}  // namespace

int run_detect_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  int status = 0;
  std::optional<DetectArgs> parsed = parse_detect_args(args, out, err, status);
  if (!parsed) return status;
  const ScanOptions& o = parsed->scan;

  const SavedScan saved = read_saved_scan(parsed->from);
  const ServiceProbeDb db = ServiceProbeDb::load(o.datadir);
  const ServicesDb services = ServicesDb::load(o.datadir);

  OutputSet outputs;
  add_outputs(o, outputs, false, err);
  ScanInfo info = scan_info_for(o, "portsweep detect", args, services);
  info.scans = saved.scans;
  info.num_targets = saved.num_targets;
  info.version_scan = true;
  outputs.begin(info);
  for (const HostUp& h : saved.hosts) outputs.on_host_up(h);
  for_each_result_batch(saved, [&outputs](std::span<const PortResult> batch) { outputs.on_results(batch); });

  struct sigaction sa{};
  sa.sa_handler = on_detect_interrupt;
  sa.sa_flags = SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  const bool interrupted = run_version_detection(o, db, outputs, info, err, g_stop, saved.unanswered_known);

  ScanSummary summary;
  summary.hosts_total = saved.num_targets;
  if (interrupted) summary.error = "interrupted during version detection";
  outputs.end(summary);
  return interrupted ? 130 : 0;
}

}  // namespace portsweep
