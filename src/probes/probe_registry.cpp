// The probe-module registry. Each module registers itself from its own file
// (PORTSWEEP_REGISTER_PROBE_MODULE), so adding a probe type is adding one
// file; the core library is linked whole, so no module's file is dropped.
#include <vector>

#include "probes/probe_module.hpp"

#include <chrono>

namespace portsweep {

namespace {
std::vector<const ProbeModule*>& modules() {
  static std::vector<const ProbeModule*> list;  // built before main(), read-only after
  return list;
}
}  // namespace

int64_t probe_clock_us() noexcept {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int register_probe_module(const ProbeModule* module) noexcept {
  modules().push_back(module);
  return static_cast<int>(modules().size());
}

std::span<const ProbeModule* const> probe_modules() noexcept { return modules(); }

const ProbeModule* find_probe_module(std::string_view name) noexcept {
  for (const ProbeModule* m : modules()) {
    if (m->name == name || m->nmap_option == name || m->long_option == name) return m;
  }
  return nullptr;
}

}  // namespace portsweep
