#include "cli/list_scan.hpp"

#include <iostream>

#include "cli/host_name_lookup.hpp"
#include "cli/output_options.hpp"
#include "cli/scan_plan.hpp"
#include "cli/scan_report.hpp"
#include "engine/sweep_targets.hpp"
#include "output/output_set.hpp"
#include "output/scan_summary.hpp"

namespace portsweep {

int run_list_scan(const ScanOptions& options, std::ostream& err) {
  ScanScope scope = resolve_scope(options);
  report_unresolved(scope.targets, err);
  // The terminal and every output file asked for, as any scan writes them;
  // a target is neither up nor down, only listed (ScanInfo::list_scan).
  OutputSet outputs;
  add_outputs(options, outputs, /*resuming=*/false, err);
  log_unresolved(scope.targets, outputs);
  // nmap's -sL names every target by reverse DNS (not with -n), as -R does.
  ScanOptions every = options;
  every.always_resolve = !options.no_dns;
  outputs.set_host_names(make_host_names(every, scope.targets));
  ScanInfo info = scan_info_for(options, "portsweep", options.argv, scope.services);
  info.list_scan = true;
  info.port_scan = false;
  const SweepTargets axis(scope.targets.addresses, scope.targets.addresses6);
  info.num_targets = axis.size();
  outputs.begin(info);

  ScanSummary summary;
  summary.end_time_us = wall_clock_us();
  summary.hosts_total = axis.size();
  summary.each_target = each_target_of(axis);
  outputs.end(summary);
  return 0;
}

}  // namespace portsweep
