#pragma once
// The probe-module contract. A scan type (-sS, -sA, -sU, ...) is one file that
// defines a ProbeModule — everything the engine, the command line and the
// outputs need to know about it — and registers it; nothing else changes when
// one is added. The per-thread object that writes probes and reads replies is
// a Prober.
//
// The hot calls take whole batches, so the one virtual call is paid per
// batch (tens to hundreds of frames), never per packet; BatchProber below
// instantiates the per-packet loops for a module's concrete probe and
// classifier types, so they inline.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <type_traits>

#include "packet/packet_decoder.hpp"
#include "portsweep/result.hpp"
#include "portsweep/uint128.hpp"
#include "probes/probe_config.hpp"
#include "probes/reply_verdict.hpp"

namespace portsweep {

struct ProbeTarget {
  uint32_t ip = 0;  // host byte order (an IPv4 sweep)
  u128 ip6 = 0;     // an IPv6 sweep: the address's 16 bytes as one number (load_ipv6)
  uint16_t port = 0;  // the destination port; the protocol number for -sO
  // The engine's: this target's own next-hop MAC (6 bytes), written over the
  // frame's Ethernet destination after the module wrote it; null when the
  // template's serves. Modules ignore it.
  const uint8_t* dst_mac = nullptr;
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

  // outcomes[i] for replies[i]; every Result gets time_us = now_us. Leaves
  // outcomes[i] untouched where done[i] is set (another module of the same
  // sweep already took that reply), and sets done[i] where it takes one.
  // A reply whose cookie does not match this module's probes is marked
  // Rejected but left to the next module (not done): two discovery probes of
  // one protocol (-PS and -PA) each reject the other's answers.
  virtual void classify(std::span<const DecodedPacket> replies, int64_t now_us, ReplyOutcome* outcomes,
                        bool* done) const noexcept = 0;

  // The frame answering `reply` when its outcome has needs_answer; returns
  // its length (0 when there is nothing to send).
  virtual size_t write_answer(const DecodedPacket& reply, uint8_t* frame) const noexcept = 0;
};

// Address families a module can probe.
inline constexpr uint8_t kFamilyV4 = 1;
inline constexpr uint8_t kFamilyV6 = 2;

// Who carries a scan type out. The stateless sweep runs every module that
// writes probes from a template; the others have an engine of their own,
// which the command line picks from this field.
enum class ScanRunner : uint8_t {
  Sweep,      // templates, cookies, the stateless TX/RX threads
  Connect,    // -sT: the kernel's connect() (engine/connect_scan)
  Idle,       // -sI: spoofed SYNs read through a zombie's IP ID (engine/idle_scan)
  FtpBounce,  // -b: an FTP server's PORT/LIST (engine/ftp_bounce_scan)
};

enum class ProbeRole : uint8_t {
  ScanType,       // -sS, -sU, ...: a port's state
  HostDiscovery,  // -PE, -PS, ...: whether a host is up
  Traceroute,     // --traceroute: the hops to a host
};

struct ProbeModule {
  std::string_view name;         // the registry's name, e.g. "tcp_syn"
  std::string_view nmap_option;  // "-sS"
  std::string_view long_option;  // "--syn-scan", what -sS is normalised to
  std::string_view scan_type;    // nmap's XML <scaninfo type=...>: "syn"
  std::string_view summary;      // one line for --help
  Proto proto = Proto::Tcp;      // what its results' "port" belongs to (Ip: -sO's protocol numbers)
  uint8_t families = kFamilyV4;
  bool port_based = true;        // false: one probe per address (discovery probes)
  PortState no_response = PortState::Filtered;  // the state of a probe nothing answered
  // The replies it reads, as a BPF expression without the "dst host" part
  // (the engine adds it); the DPDK path applies it in software.
  std::string_view rx_filter;
  // Bytes of a reply its classifier may read; the capture keeps at least this.
  uint32_t rx_snaplen = 192;
  std::unique_ptr<Prober> (*create)(const ProbeConfig& config) = nullptr;
  // False for a scan the kernel's sockets carry out (-sT, -b): the command
  // line runs its own engine instead of the sweep, opens no packet I/O, and
  // its create() refuses.
  bool raw_packets = true;
  ScanRunner runner = ScanRunner::Sweep;
  // Non-empty for a scan type whose option takes a value (-sI ZOMBIE, -b
  // SERVER): how --help names it. The value lands in
  // ScanOptions::scan_arguments under the module's name.
  std::string_view option_argument = {};
  // What the module is for. Only scan types are options of their own; the
  // -P options select discovery probes and --traceroute its probe. Several
  // modules of one protocol may share a sweep unless they are scan types:
  // replies go to the module whose cookie they carry.
  ProbeRole role = ProbeRole::ScanType;
  bool is_scan_type() const noexcept { return role == ProbeRole::ScanType; }
};

// Every registered module, in a stable order.
std::span<const ProbeModule* const> probe_modules() noexcept;

// The module called `name` (or whose nmap option or long option is `name`), or nullptr.
const ProbeModule* find_probe_module(std::string_view name) noexcept;
// Called once per module from its file's static initialiser.
int register_probe_module(const ProbeModule* module) noexcept;

// The wall clock in microseconds since the epoch, for probes that carry
// their send time (read once per burst).
int64_t probe_clock_us() noexcept;

// The round trip from a reply's arrival and the send time its probe carried
// back; 0 (none) when that is not a plausible one (a host rewrote the field,
// the clock stepped): the send time is the reply's to forge.
inline uint32_t round_trip_us(int64_t reply_us, int64_t sent_us) noexcept {
  if (sent_us > reply_us) return 0;
  const uint64_t d = static_cast<uint64_t>(reply_us) - static_cast<uint64_t>(sent_us);  // no signed overflow
  return d < 60'000'000 ? static_cast<uint32_t>(d == 0 ? 1 : d) : 0;
}

// A Prober from a module's concrete types, so the per-packet loops below are
// compiled for them (no virtual call inside). Probe needs
//   size_t frame_capacity() const;
//   size_t write(uint8_t*, uint32_t ip, uint16_t port), or
//   size_t write(uint8_t*, uint32_t ip, uint16_t port, int64_t now_us) for a
//     probe that carries its send time (the clock is then read once a burst);
//   an IPv6 probe declares `static constexpr bool kIpv6 = true;` and takes
//     u128 ip (ProbeTarget::ip6) in place of uint32_t ip in either form;
//   size_t write_answer(const DecodedPacket&, uint8_t*) const (optional: none answers);
// and Classifier
//   ReplyVerdict classify(const DecodedPacket&, int64_t, PortResult&, bool& answer) const, or
//   ReplyVerdict classify(const DecodedPacket&, int64_t, PortResult&) const (never answers).
template <class Probe, class Classifier>
class BatchProber final : public Prober {
 public:
  BatchProber(Probe probe, Classifier classifier) : probe_(std::move(probe)), classifier_(std::move(classifier)) {}

  size_t max_frame_size() const noexcept override { return probe_.frame_capacity(); }

  void write_probes(std::span<const ProbeTarget> targets, uint8_t* const* frames,
                    uint16_t* lengths) noexcept override {
    if constexpr (kTimed) {
      const int64_t now_us = probe_clock_us();
      for (size_t i = 0; i < targets.size(); ++i)
        lengths[i] = static_cast<uint16_t>(probe_.write(frames[i], address(targets[i]), targets[i].port, now_us));
    } else {
      for (size_t i = 0; i < targets.size(); ++i)
        lengths[i] = static_cast<uint16_t>(probe_.write(frames[i], address(targets[i]), targets[i].port));
    }
  }

  void classify(std::span<const DecodedPacket> replies, int64_t now_us, ReplyOutcome* outcomes,
                bool* done) const noexcept override {
    for (size_t i = 0; i < replies.size(); ++i) {
      // The other family's replies are its prober's (a mixed sweep has both).
      if (done[i] || replies[i].ip_version != kIpVersion) continue;
      ReplyOutcome& o = outcomes[i];
      bool answer = false;
      ReplyVerdict v;
      if constexpr (kAnswers) v = classifier_.classify(replies[i], now_us, o.result, answer);
      else v = classifier_.classify(replies[i], now_us, o.result);
      if (v == ReplyVerdict::Result) {
        o.verdict = v;
        o.needs_answer = answer;
        done[i] = true;
      } else if (v == ReplyVerdict::Rejected) {
        o.verdict = v;
      }
    }
  }

  size_t write_answer(const DecodedPacket& reply, uint8_t* frame) const noexcept override {
    if constexpr (requires { probe_.write_answer(reply, frame); }) return probe_.write_answer(reply, frame);
    else return 0;
  }

 private:
  static constexpr bool kIpv6 = requires { requires Probe::kIpv6; };
  static constexpr uint8_t kIpVersion = kIpv6 ? 6 : 4;
  using Address = std::conditional_t<kIpv6, u128, uint32_t>;
  static Address address(const ProbeTarget& t) noexcept {
    if constexpr (kIpv6) return t.ip6;
    else return t.ip;
  }
  static constexpr bool kTimed = requires(Probe p, uint8_t* f) { p.write(f, Address{}, uint16_t{}, int64_t{}); };
  static constexpr bool kAnswers = requires(const Classifier c, const DecodedPacket& d, PortResult& r, bool& a) {
    c.classify(d, int64_t{}, r, a);
  };
  Probe probe_;
  Classifier classifier_;
};

}  // namespace portsweep

// In a module's .cpp, at namespace scope: registers `module` before main().
#define PORTSWEEP_REGISTER_PROBE_MODULE(ident, module)                       \
  namespace portsweep::probe_module_registration {                          \
  [[maybe_unused]] const int ident = ::portsweep::register_probe_module(&(module)); \
  }
