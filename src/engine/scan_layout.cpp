#include "engine/scan_layout.hpp"

#include <string>

#include "common/error.hpp"

namespace portsweep {

namespace {

std::vector<const ProbeModule*> resolve_modules(const SweepConfig& c) {
  std::vector<const ProbeModule*> out;
  std::array<bool, kProtoCount> taken{};
  if (c.scans.empty()) throw UsageError("the sweep has no scan type");
  // A module index must fit ScanSlot::module; discovery takes a handful.
  if (c.scans.size() > 16) throw UsageError("a sweep runs at most 16 probe types");
  for (const ScanPart& part : c.scans) {
    const ProbeModule* m = find_probe_module(part.module);
    if (m == nullptr) throw UsageError("unknown probe module \"" + part.module + "\"");
    // Two TCP scan types in one sweep could not tell whose RST a reply is
    // (nmap refuses too). Discovery probes of one protocol can: each reply
    // carries the cookie of the probe type it answers, and all they ask is
    // whether the host is up.
    if (m->is_scan_type() && taken[proto_index(m->proto)])
      throw UsageError("only one " + std::string(to_string(m->proto)) + " scan type per scan (" +
                       std::string(m->nmap_option) + " conflicts with another)");
    if (m->is_scan_type()) taken[proto_index(m->proto)] = true;
    if (part.ports.empty())
      throw UsageError(std::string(m->nmap_option) + " has no " +
                       (m->proto == Proto::Ip ? "protocols" : "ports") + " to scan");
    if (!c.targets6.empty() && (m->families & kFamilyV6) == 0)
      throw UsageError(std::string(m->nmap_option) + " does not probe IPv6 targets");
    if (!c.targets.empty() && (m->families & kFamilyV4) == 0)
      throw UsageError(std::string(m->nmap_option) + " does not probe IPv4 targets");
    out.push_back(m);
  }
  return out;
}

std::vector<ScanSlot> flatten_slots(const SweepConfig& c) {
  std::vector<ScanSlot> slots;
  for (size_t m = 0; m < c.scans.size(); ++m)
    for (uint16_t port : c.scans[m].ports) slots.push_back({port, static_cast<uint8_t>(m)});
  return slots;
}

}  // namespace

ScanLayout::ScanLayout(const SweepConfig& c)
    : targets_(c.targets, c.targets6), modules_(resolve_modules(c)), slots_(flatten_slots(c)),
      space_(targets_.size(), static_cast<uint32_t>(slots_.size())) {
  slot_of_.assign(modules_.size(), std::vector<int32_t>(65536, -1));
  for (size_t k = 0; k < slots_.size(); ++k) slot_of_[slots_[k].module][slots_[k].port] = static_cast<int32_t>(k);
}

}  // namespace portsweep
