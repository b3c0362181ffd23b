#pragma once
// The probe-module contract. A probe type (tcp_syn, later udp, icmp_echo, ...)
// is one file that defines a ProbeModule: its name, what it scans, and a
// factory for a Prober, the per-thread object that writes probe frames and
// classifies replies. probe_registry.cpp lists every module.
//
// The hot calls take whole batches, so the one virtual call is paid per
// batch (tens to hundreds of frames), never per packet. A TX loop that wants
// no indirection at all can also use the concrete class directly (e.g.
// TcpSynProbe + SynClassifier), which is what the Prober wraps.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "portsweep/result.hpp"
#include "probes/packet_decoder.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

struct ProbeTarget {
  uint32_t ip = 0;  // host byte order
  uint16_t port = 0;
};

struct ReplyOutcome {
  ReplyVerdict verdict = ReplyVerdict::Ignored;
  bool needs_answer = false;  // write_answer() has a frame to send (the RST after a SYN-ACK)
  PortResult result{};        // valid when verdict == Result
};

class Prober {
 public:
  virtual ~Prober() = default;

  // Bytes a frame buffer must hold for write_probes()/write_answer().
  virtual size_t max_frame_size() const noexcept = 0;

  // One frame per target: frames[i] receives it, lengths[i] its length.
  // Not thread-safe: one Prober per TX thread.
  virtual void write_probes(std::span<const ProbeTarget> targets, uint8_t* const* frames,
                            uint16_t* lengths) noexcept = 0;

  // outcomes[i] for replies[i]; every Result gets time_us = now_us.
  virtual void classify(std::span<const DecodedPacket> replies, int64_t now_us,
                        ReplyOutcome* outcomes) const noexcept = 0;

  // The frame answering `reply` when its outcome has needs_answer; returns
  // its length (0 when there is nothing to send).
  virtual size_t write_answer(const DecodedPacket& reply, uint8_t* frame) const noexcept = 0;
};

struct ProbeModule {
  std::string_view name;     // as given on the command line, e.g. "tcp_syn"
  std::string_view summary;  // one line for --help
  Proto proto;
  std::unique_ptr<Prober> (*create)(const ProbeConfig& config);
};

// Every registered module, in a stable order.
std::span<const ProbeModule* const> probe_modules() noexcept;

// The module called `name`, or nullptr.
const ProbeModule* find_probe_module(std::string_view name) noexcept;
// Called once per module from its file's static initialiser.
int register_probe_module(const ProbeModule* module) noexcept;

}  // namespace portsweep

// In a module's .cpp, at namespace scope: registers `module` before main().
#define PORTSWEEP_REGISTER_PROBE_MODULE(ident, module)                       \
  namespace portsweep::probe_module_registration {                          \
  [[maybe_unused]] const int ident = ::portsweep::register_probe_module(&(module)); \
  }
