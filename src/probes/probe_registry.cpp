// The list of probe modules. Modules are listed here by hand rather than
// registering themselves from static constructors: the project links a static
// library, and the linker drops any object file nothing refers to, static
// constructor and all, so a self-registering module would silently vanish.
// Naming each module here is what pulls its file into the binary.
#include "probes/probe_module.hpp"

namespace portsweep {

extern const ProbeModule kTcpSynModule;

namespace {
const ProbeModule* const kModules[] = {
    &kTcpSynModule,
};
}  // namespace

std::span<const ProbeModule* const> probe_modules() noexcept { return kModules; }

const ProbeModule* find_probe_module(std::string_view name) noexcept {
  for (const ProbeModule* m : kModules) {
    if (m->name == name) return m;
  }
  return nullptr;
}

}  // namespace portsweep
