#pragma once
// Everything the command line can say, before it is resolved into target and
// port sets. The resume file stores the command line itself, so adding an
// option here needs nothing more to survive an interrupted scan.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace portsweep {

struct ScanOptions {
  // Scan types: registered probe modules' names, in the order given (-sS,
  // -sA, -sU, ... each add one); empty means -sS.
  std::vector<std::string> scan_types;
  // The values of scan types whose option takes one (-sI ZOMBIE, -b
  // SERVER), as (module name, value) in the order given.
  std::vector<std::pair<std::string, std::string>> scan_arguments;
  std::string scan_flags;  // --scanflags: flag names ("SYNFIN") or a number
  bool list_scan = false;
  bool service_version = false;
  bool skip_discovery = false;           // -Pn: every target is up, no discovery
  bool ping_scan = false;                // -sn: discovery only, no port scan
  // Discovery probes, nmap's -P options; each list entry is one option as
  // given ("" when it named no ports: the probe's default).
  // (-PY, SCTP, is refused by name: cli/unsupported_options.cpp.)
  std::vector<std::string> syn_ping, ack_ping, udp_ping, proto_ping;  // -PS -PA -PU -PO
  bool echo_ping = false;       // -PE
  bool timestamp_ping = false;  // -PP
  bool netmask_ping = false;    // -PM
  bool arp_ping = false;        // -PR
  bool disable_arp_ping = false;
  bool no_dns = false;           // -n: no reverse DNS
  bool always_resolve = false;   // -R: reverse DNS of every target, up or down
  std::string dns_servers;       // --dns-servers s1[,s2...] (c-ares's servers)
  bool system_dns = false;       // --system-dns: getnameinfo() instead of c-ares
  // nmap's: assume the process may (or may not) send raw packets, instead of
  // asking the kernel; without that privilege the default scan is -sT.
  bool privileged = false;
  bool unprivileged = false;

  // What to scan.
  std::vector<std::string> targets;
  std::string input_list;
  std::vector<std::string> exclude;
  std::string exclude_file;
  bool ipv6 = false;                            // -6: hostnames resolve to IPv6
  uint64_t max_ipv6_targets = uint64_t{1} << 24;  // --max-ipv6-targets
  std::optional<std::string> ports;
  bool fast = false;
  std::optional<std::string> exclude_ports;
  std::optional<std::string> top_ports;   // validated by the ports layer
  std::optional<std::string> port_ratio;
  bool sequential_ports = false;
  std::string datadir;

  // How to send.
  std::string io = "pcap";
  std::string dpdk_args;             // extra EAL arguments for --io dpdk
  std::string pcap_tx;               // --io pcap's send method; empty: the backend's default
  std::string interface;
  std::string source_ip;
  std::optional<uint16_t> source_port;
  std::string source_ports;          // "40000-60000"
  std::optional<double> rate;        // exact packets/s
  std::optional<double> min_rate;
  std::optional<double> max_rate;
  std::optional<int> max_retries;
  bool retry_silent = false;           // retries also to addresses that answered nothing
  std::optional<double> wait_seconds;  // cooldown after the last probe
  std::optional<int> timing;           // -T0..5
  // nmap's timing options, in seconds (what each does: cli/timing_template.hpp).
  std::optional<double> min_rtt_timeout, max_rtt_timeout, initial_rtt_timeout;
  std::optional<double> host_timeout;  // 0: none
  std::optional<double> scan_delay, max_scan_delay;
  std::optional<unsigned> min_parallelism;  // -sT's connects / -sV's connections at once, at least
  unsigned tx_threads = 0;             // 0: follow the cores
  unsigned rx_threads = 0;             // 0: one per receive queue the device has
  std::optional<uint64_t> seed;
  std::string shard;                   // "I/N", 1-based as in zmap
  int ttl = 64;
  // Firewall/IDS evasion (cli/evasion_options.hpp reads them).
  int fragment = 0;                      // -f: 1 (8-byte fragments), -ff: 2 (16)
  std::optional<unsigned> mtu;           // --mtu: IP payload bytes per fragment
  std::string decoys;                    // -D decoy1,ME,RND:N
  std::optional<std::string> data_hex;   // --data
  std::optional<std::string> data_string;  // --data-string
  std::optional<size_t> data_length;     // --data-length
  std::string ip_options;                // --ip-options
  std::string spoof_mac;                 // --spoof-mac
  bool badsum = false;                   // --badsum
  bool send_eth = false;                 // --send-eth: what portsweep always does

  // Service/version detection (-sV).
  std::optional<int> version_intensity;  // --version-intensity 0-9
  bool version_light = false;            // --version-light: intensity 2
  bool version_all = false;              // --version-all: intensity 9
  bool version_trace = false;            // --version-trace: per-probe activity on stderr
  bool all_ports = false;                // --allports: ignore the probes file's Exclude
  std::optional<unsigned> version_parallel;  // --version-parallel: a port's probes at once
  std::optional<unsigned> max_parallelism;  // --max-parallelism: -sT's connects / ports version-probed at once

  // OS detection (-O): nmap's probes to every host up, after the port scan.
  bool os_detection = false;        // -O (and -A)
  bool osscan_limit = false;        // --osscan-limit: only hosts with an open and a closed TCP port
  bool osscan_guess = false;        // --osscan-guess, --fuzzy: guesses below nmap's 85%
  std::optional<int> max_os_tries;  // --max-os-tries 1-50 (nmap's default 5)
  // The passive OS hint (--os-hint / --no-os-hint): p0f's classification of
  // each host's first SYN-ACK (else RST) of the sweep; unset: the default
  // (cli/os_hint_options.hpp).
  std::optional<bool> os_hint;

  // Output.
  std::string output_normal, output_xml, output_grepable, output_json, output_all;
  std::string output_skid;  // -oS
  bool reason = false;
  bool packet_trace = false;
  bool traceroute = false;    // --traceroute: the hops to every host up  // --packet-trace: every packet of the sweeps on stderr
  bool open_only = false;
  bool append_output = false;
  bool aggressive = false;  // -A: -sV, -O and --traceroute
  // --log-errors: nmap 7.93 always writes errors and warnings to -oN as well,
  // and so does portsweep; the option is taken for nmap's command lines.
  bool log_errors = false;
  // Progress lines: --stats-every's interval; --noninteractive without it
  // prints none (portsweep's progress is its only runtime status).
  std::optional<double> stats_every;
  bool noninteractive = false;  // --append-output: files are written after what they hold
  // XML's xml-stylesheet line: --stylesheet's path or URL, --webxml's nmap.org
  // copy, or none (--no-stylesheet, also the default for now).
  std::string stylesheet;
  bool webxml = false;
  bool no_stylesheet = false;
  int verbose = 0;
  int debug = 0;
  std::string resume;
  bool iflist = false;
  // --bench-tx: send prebuilt probe frames as fast as --rate allows for
  // --duration seconds and report the rate, like a traffic generator.
  bool bench_tx = false;
  double duration = 10;
  bool version = false;

  // The command line as typed, for output headers and the resume file.
  std::vector<std::string> argv;
};

}  // namespace portsweep
