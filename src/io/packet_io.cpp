#include "io/packet_io.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace portsweep {


PacketIo::~PacketIo() = default;

// A backend that does not lend buffers is never asked to (lends_tx_buffers).
size_t PacketIo::tx_lend(unsigned, uint8_t**, size_t, uint16_t) noexcept { return 0; }
size_t PacketIo::tx_commit(unsigned, const uint16_t*, size_t) noexcept { return 0; }

namespace {

struct BackendEntry {
  std::string name;
  IoBackendFactory factory;
};

// Function-local so registrars in other files may run before this file's own
// static initialisers.
std::vector<BackendEntry>& registry() {
  static std::vector<BackendEntry> entries;
  return entries;
}

}  // namespace

int register_io_backend(std::string_view name, IoBackendFactory factory) {
  auto& entries = registry();
  auto it = std::find_if(entries.begin(), entries.end(),
                         [&](const BackendEntry& e) { return e.name == name; });
  if (it != entries.end()) {
    it->factory = factory;  // last registration wins; duplicates are a build mistake
  } else {
    entries.push_back({std::string(name), factory});
  }
  return static_cast<int>(entries.size());
}

std::vector<std::string> io_backend_names() {
  std::vector<std::string> names;
  for (const auto& e : registry()) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

std::unique_ptr<PacketIo> open_packet_io(const IoConfig& config) {
  for (const auto& e : registry()) {
    if (e.name == config.backend) return e.factory(config);
  }
  std::string known;
  for (const auto& name : io_backend_names()) {
    if (!known.empty()) known += ", ";
    known += name;
  }
  throw UsageError("unknown packet I/O backend \"" + config.backend + "\": choose one of " +
                   known + ".");
}

}  // namespace portsweep
