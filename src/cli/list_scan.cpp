#include "cli/list_scan.hpp"

#include <chrono>
#include <iostream>

#include "cli/host_name_lookup.hpp"
#include "cli/scan_plan.hpp"
#include "common/error.hpp"
#include "output/report_text.hpp"
#include "output/time_text.hpp"
#include "portsweep_config.h"

namespace portsweep {

namespace {
int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

int run_list_scan(const ScanOptions& options, std::ostream& out) {
  // The list goes to standard output only, for now: an output file asked
  // for is refused rather than left unwritten.
  for (const auto& [option, path] : {std::pair{"-oN", &options.output_normal}, {"-oX", &options.output_xml},
                                     {"-oG", &options.output_grepable}, {"-oJ", &options.output_json},
                                     {"-oA", &options.output_all}}) {
    if (!path->empty())
      throw UsageError(std::string(option) + " is not supported with -sL, which lists its targets on standard output only");
  }
  const int64_t start = now_us();
  ScanScope scope = resolve_scope(options);
  report_unresolved(scope.targets, std::cerr);
  out << "Starting portsweep " << PORTSWEEP_VERSION << " at " << short_time_text(start) << "\n";
  // nmap's -sL names every target by reverse DNS (not with -n), as -R does.
  ScanOptions every = options;
  every.always_resolve = !options.no_dns;
  const std::shared_ptr<HostNameSource> names = make_host_names(every, scope.targets);
  names->settle();
  for (uint32_t ip : scope.targets.addresses) {
    const HostNames n = names->names_of(ip);
    if (!n.shown().empty()) out << "Nmap scan report for " << n.shown() << " (" << ipv4_text(ip) << ")\n";
    else out << "Nmap scan report for " << ipv4_text(ip) << "\n";
    if (!n.user.empty() && !n.ptr.empty() && n.ptr != n.user)
      out << "rDNS record for " << ipv4_text(ip) << ": " << n.ptr << "\n";
  }
  out << "Portsweep done: " << hosts_scanned_text(scope.targets.addresses.size(), 0)
      << " scanned in " << seconds_text(static_cast<double>(now_us() - start) * 1e-6)
      << " seconds\n";
  return 0;
}

}  // namespace portsweep
