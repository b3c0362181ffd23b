#include "cli/os_hint_options.hpp"

#include <algorithm>
#include <ostream>

#include "common/data_file.hpp"
#include "common/error.hpp"

namespace portsweep {

std::unique_ptr<os::PassiveClassifier> os_hint_classifier(const ScanOptions& o,
                                                          const std::vector<const ProbeModule*>& modules,
                                                          uint64_t targets, std::ostream& err, bool os_detection) {
  if (o.os_hint == false) return nullptr;
  const bool explicit_on = o.os_hint == true;
  const bool tcp = std::any_of(modules.begin(), modules.end(), [](const ProbeModule* m) { return m->proto == Proto::Tcp; });
  if (!tcp) {
    if (explicit_on)
      throw UsageError(std::string("--os-hint reads the SYN-ACKs and resets of a TCP port sweep, and this scan has ") +
                       (modules.empty() ? "no port sweep (-sn)" : "no TCP scan type") + ": add one (-sS, -sA, ...)");
    return nullptr;
  }
  if (targets > OsHintCollector::kMaxAddresses) {
    if (explicit_on)
      throw UsageError("--os-hint keeps two bits per target and stops at " +
                       std::to_string(OsHintCollector::kMaxAddresses) + " targets; this scan has " +
                       std::to_string(targets) + ": split it with --shard, or use --no-os-hint");
    return nullptr;
  }
  if (!explicit_on && !kOsHintByDefault && !os_detection) return nullptr;
  const std::string path = first_data_file(os::P0fDatabase::search_path(o.datadir), "p0f signatures");
  auto classifier = std::make_unique<os::PassiveClassifier>(os::P0fDatabase::load(path));
  if (o.verbose > 0)
    err << "portsweep: passive OS hints from " << classifier->database().responses().size()
        << " SYN-ACK signatures in " << path << "\n";
  return classifier;
}

void refuse_os_hint(const ScanOptions& o, std::string_view what) {
  if (o.os_hint == true)
    throw UsageError("--os-hint reads the raw SYN-ACKs and resets of a sweep, and " + std::string(what) +
                     " receives none: use -sS, or drop --os-hint");
}

OsHint os_hint_of(const OsHintRecord& r) {
  OsHint h;
  h.ip = IpAddress::v4(r.ip);  // the hint reads IPv4 replies only
  h.label = os::hint_label(r.match);
  h.signature = os::format_observed_signature(r.observation);
  return h;
}

}  // namespace portsweep
