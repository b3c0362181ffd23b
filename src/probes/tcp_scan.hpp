#pragma once
// What every TCP scan-type file shares: its Prober is the TCP template and
// the rule-driven classifier, and its replies are TCP, ICMP or ICMPv6. The
// family of the scan picks IPv4's or IPv6's template and classifier; the
// rules are the same.
#include <memory>

#include "probes/probe_module.hpp"
#include "probes/tcp_classifier.hpp"
#include "probes/tcp_classifier6.hpp"
#include "probes/tcp_probe.hpp"
#include "probes/tcp_probe6.hpp"

namespace portsweep {

inline constexpr std::string_view kTcpRxFilter = "tcp or icmp or icmp6";

inline std::unique_ptr<Prober> make_tcp_prober(const ProbeConfig& config, const TcpRules& rules) {
  if (config.family == AddressFamily::V6) {
    TcpProbe6 probe(config, rules.flags);
    TcpClassifier6 classifier(probe.cookie(), config.src_ip6.data(), probe.config().src_ports, rules, probe.flags());
    return std::make_unique<BatchProber<TcpProbe6, TcpClassifier6>>(std::move(probe), classifier);
  }
  TcpProbe probe(config, rules.flags);
  TcpClassifier classifier(probe.cookie(), config.src_ip, probe.config().src_ports, rules, probe.flags());
  return std::make_unique<BatchProber<TcpProbe, TcpClassifier>>(std::move(probe), classifier);
}

}  // namespace portsweep
