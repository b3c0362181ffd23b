// "tcp_syn": the -sS half-open scan as a probe module.
#include "probes/probe_module.hpp"
#include "probes/syn_classifier.hpp"
#include "probes/tcp_syn_probe.hpp"

namespace portsweep {

namespace {

class TcpSynProber final : public Prober {
 public:
  explicit TcpSynProber(const ProbeConfig& config)
      : probe_(config), classifier_(probe_.cookie(), config.src_ip, probe_.config().src_ports) {}

  size_t max_frame_size() const noexcept override { return TcpSynProbe::kFrameSize; }

  void write_probes(std::span<const ProbeTarget> targets, uint8_t* const* frames,
                    uint16_t* lengths) noexcept override {
    for (size_t i = 0; i < targets.size(); ++i) {
      lengths[i] = static_cast<uint16_t>(probe_.write(frames[i], targets[i].ip, targets[i].port));
    }
  }

  void classify(std::span<const DecodedPacket> replies, int64_t now_us,
                ReplyOutcome* outcomes) const noexcept override {
    for (size_t i = 0; i < replies.size(); ++i) {
      outcomes[i].verdict = classifier_.classify(replies[i], now_us, outcomes[i].result, outcomes[i].needs_answer);
    }
  }

  size_t write_answer(const DecodedPacket& reply, uint8_t* frame) const noexcept override {
    return probe_.write_rst(frame, reply);
  }

 private:
  TcpSynProbe probe_;
  SynClassifier classifier_;
};

std::unique_ptr<Prober> create_tcp_syn(const ProbeConfig& config) { return std::make_unique<TcpSynProber>(config); }

}  // namespace

const ProbeModule kTcpSynModule{"tcp_syn", "TCP SYN (half-open) scan, like nmap -sS", Proto::Tcp, &create_tcp_syn};

}  // namespace portsweep

PORTSWEEP_REGISTER_PROBE_MODULE(tcp_syn, portsweep::kTcpSynModule)
