#pragma once
// What every TCP scan-type file shares: its Prober is the TCP template and
// the rule-driven classifier, and its replies are TCP or ICMP.
#include <memory>

#include "probes/probe_module.hpp"
#include "probes/tcp_classifier.hpp"
#include "probes/tcp_probe.hpp"

namespace portsweep {

inline constexpr std::string_view kTcpRxFilter = "tcp or icmp";

inline std::unique_ptr<Prober> make_tcp_prober(const ProbeConfig& config, const TcpRules& rules) {
  TcpProbe probe(config, rules.flags);
  TcpClassifier classifier(probe.cookie(), config.src_ip, probe.config().src_ports, rules, probe.flags());
  return std::make_unique<BatchProber<TcpProbe, TcpClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
