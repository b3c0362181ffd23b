#include "cli/unsupported_options.hpp"

#include <string>

#include "common/error.hpp"

namespace portsweep {

const std::vector<UnsupportedOption>& unsupported_options() {
  static const std::vector<UnsupportedOption> table = {
      // TARGET SPECIFICATION
      {"-iR", "portsweep scans only the targets it is given, never random addresses"},
      // HOST DISCOVERY
      {"-PY", "portsweep sends no SCTP probes; use -PS, -PA, -PU, -PE, -PP, -PM or -PO"},
      {"--sctp-init-ping", "portsweep sends no SCTP probes; use -PS, -PA, -PU, -PE, -PP, -PM or -PO"},
      // SCAN TECHNIQUES
      {"-sY", "portsweep sends no SCTP probes"},
      {"-sZ", "portsweep sends no SCTP probes"},
      // SCRIPT SCAN
      {"-sC", "portsweep has no script engine (NSE)"},
      {"--script", "portsweep has no script engine (NSE)"},
      {"--script-args", "portsweep has no script engine (NSE)"},
      {"--script-args-file", "portsweep has no script engine (NSE)"},
      {"--script-trace", "portsweep has no script engine (NSE)"},
      {"--script-updatedb", "portsweep has no script engine (NSE)"},
      {"--script-help", "portsweep has no script engine (NSE)"},
      // TIMING AND PERFORMANCE
      {"--min-hostgroup",
       "the stateless sweep probes every target at once in one random order, writing each result as it comes, so "
       "there are no host groups to size; use --rate to pace it, or --shard I/N --seed S to split it"},
      {"--max-hostgroup",
       "the stateless sweep probes every target at once in one random order, writing each result as it comes, so "
       "there are no host groups to size; use --rate to pace it, or --shard I/N --seed S to split it"},
      // FIREWALL/IDS EVASION AND SPOOFING
      {"--proxies", "portsweep relays no connections through proxies"},
      // OUTPUT
      // MISC
      {"--send-ip", "portsweep always sends raw Ethernet frames (through libpcap or DPDK, --io), never through the kernel's raw IP sockets; --send-eth is what it does"},
  };
  return table;
}

void refuse_unsupported_option(std::string_view token) {
  for (const UnsupportedOption& u : unsupported_options()) {
    const std::string_view s = u.spelling;
    bool match = token == s;
    if (!match && token.starts_with(s)) {
      const std::string_view rest = token.substr(s.size());
      // --script=default; -PY22,80 (values glued on, as nmap takes them).
      match = (s.starts_with("--") && rest.front() == '=') || s == "-PY";
    }
    if (match) throw UsageError(std::string(s) + " is not supported: " + std::string(u.why));
  }
}

}  // namespace portsweep
