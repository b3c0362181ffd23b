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
      {"-R", "portsweep does no reverse DNS lookups"},
      {"--dns-servers", "portsweep does no reverse DNS lookups, and resolves target names with the system's resolver"},
      {"--system-dns", "portsweep does no reverse DNS lookups, and resolves target names with the system's resolver"},
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
      // OS DETECTION
      {"-O", "portsweep does no OS detection"},
      {"--osscan-limit", "portsweep does no OS detection"},
      {"--osscan-guess", "portsweep does no OS detection"},
      // TIMING AND PERFORMANCE
      {"--min-hostgroup",
       "the stateless sweep probes every target at once in one random order, writing each result as it comes, so "
       "there are no host groups to size; use --rate to pace it, or --shard I/N --seed S to split it"},
      {"--max-hostgroup",
       "the stateless sweep probes every target at once in one random order, writing each result as it comes, so "
       "there are no host groups to size; use --rate to pace it, or --shard I/N --seed S to split it"},
      // FIREWALL/IDS EVASION AND SPOOFING
      {"-f", "portsweep sends no fragmented probes"},
      {"--mtu", "portsweep sends no fragmented probes"},
      {"-D", "portsweep sends no decoy probes"},
      {"--proxies", "portsweep relays no connections through proxies"},
      {"--data", "portsweep appends no payload of its own choosing to probes"},
      {"--data-string", "portsweep appends no payload of its own choosing to probes"},
      {"--data-length", "portsweep appends no payload of its own choosing to probes"},
      {"--ip-options", "portsweep sends no IP options"},
      {"--spoof-mac", "portsweep sends from the interface's own MAC address"},
      {"--badsum", "portsweep sends only correct checksums"},
      // OUTPUT
      {"-oS", "portsweep writes no script kiddie output; use -oN, -oX, -oG, -oJ or -oA"},
      {"--append-output", "every output file is written afresh"},
      {"--noninteractive",
       "portsweep reads no keys while it runs; its progress lines go to standard error (2>/dev/null drops them)"},
      // MISC
      {"-6", "IPv6 targets are not supported yet"},
      {"-A", "it turns on OS detection (-O) and scripts (-sC), which portsweep does not have; use -sV --traceroute"},
      {"--send-eth",
       "portsweep always sends raw Ethernet frames (through libpcap or DPDK, --io), so there is nothing to choose"},
      {"--send-ip", "portsweep always sends raw Ethernet frames (through libpcap or DPDK, --io)"},
  };
  return table;
}

void refuse_unsupported_option(std::string_view token) {
  for (const UnsupportedOption& u : unsupported_options()) {
    const std::string_view s = u.spelling;
    bool match = token == s;
    if (!match && token.starts_with(s)) {
      const std::string_view rest = token.substr(s.size());
      // --script=default; -DRND:5 and -PY22,80 (values glued on, as nmap takes them).
      match = (s.starts_with("--") && rest.front() == '=') || s == "-D" || s == "-PY";
    }
    if (match) throw UsageError(std::string(s) + " is not supported: " + std::string(u.why));
  }
}

}  // namespace portsweep
