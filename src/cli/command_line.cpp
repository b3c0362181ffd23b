#include "cli/command_line.hpp"

#include <CLI/CLI.hpp>
#include <pcap/pcap.h>
#include <tbb/version.h>

#include <memory>

#include "cli/discovery_plan.hpp"
#include "cli/evasion_options.hpp"
#include "cli/help_formatter.hpp"
#include "cli/nmap_args.hpp"
#include "cli/option_numbers.hpp"
#include "probes/probe_module.hpp"
#include "cli/scan_flags.hpp"
#include "cli/service_options.hpp"
#include "cli/subcommand_args.hpp"
#include "cli/timing_template.hpp"
#include "cli/unsupported_options.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"
#include "dns/dns_servers.hpp"
#include "portsweep_config.h"

namespace portsweep {

namespace {
bool scans_with_module(const ScanOptions& o, std::string_view module) {
  return std::find(o.scan_types.begin(), o.scan_types.end(), module) != o.scan_types.end();
}
}  // namespace

std::optional<std::string> os_detection_refusal(const ScanOptions& o) {
  if (o.list_scan) return "-sL sends nothing: -O has nothing to do";
  if (o.ping_scan)
    return "-O needs a port scan, for an open and a closed port of each host: drop -sn (nmap refuses -O with it too)";
  if (scans_with_module(o, "ip_proto"))
    return "-O cannot run with -sO (nmap turns OS detection off with it): find the ports -O probes with -sS or -sU";
  for (const char* m : {"tcp_connect", "tcp_idle", "ftp_bounce"})
    if (scans_with_module(o, m))
      return std::string("-O runs after the raw port sweep, and ") +
             (m[4] == 'c' ? "-sT" : m[4] == 'i' ? "-sI" : "-b") + " has none: use -sS (or another raw scan type) with -O";
  if (!o.shard.empty())
    return "-O fingerprints whole hosts, and a shard (--shard) sees only part of each host's ports: run -O without "
           "--shard";
  return std::nullopt;
}

namespace {

int timing_level(const std::string& v) {
  static const char* names[] = {"paranoid", "sneaky", "polite", "normal", "aggressive", "insane"};
  if (v.size() == 1 && v[0] >= '0' && v[0] <= '5') return v[0] - '0';
  for (int i = 0; i < 6; ++i)
    if (v == names[i]) return i;
  throw UsageError("invalid timing template \"-T" + v +
                   "\": expected 0-5 or paranoid, sneaky, polite, normal, aggressive, insane");
}

// "A/B" or "A-B" of plain whole numbers, as the scan reads them back with
// sscanf: nothing else (no spaces, signs or extra text) may pass here.
std::optional<std::pair<uint64_t, uint64_t>> number_pair(std::string_view s, char sep) {
  const size_t at = s.find(sep);
  if (at == std::string_view::npos) return std::nullopt;
  std::optional<uint64_t> a = whole_number(s.substr(0, at)), b = whole_number(s.substr(at + 1));
  if (!a || !b) return std::nullopt;
  return std::pair{*a, *b};
}

// --shard I/N, counted from 1 so "--shard 1/1" is the whole scan.
void check_shard(const std::string& s) {
  if (s.empty()) return;
  const auto v = number_pair(s, '/');
  if (!v || v->first < 1 || v->second > 65535 || v->first > v->second)
    throw UsageError("invalid --shard \"" + s + "\": expected I/N with 1 <= I <= N <= 65535, e.g. 2/4");
}

void check_dns_options(const ScanOptions& o) {
  if (!o.dns_servers.empty()) parse_dns_servers(o.dns_servers);
  if (!o.dns_servers.empty() && o.system_dns)
    throw UsageError("--dns-servers names the servers c-ares asks, --system-dns uses the system's resolver instead: "
                     "expected one of them");
  if (o.no_dns && (o.always_resolve || !o.dns_servers.empty() || o.system_dns))
    throw UsageError(std::string("-n turns reverse DNS off, so ") +
                     (o.always_resolve ? "-R" : o.system_dns ? "--system-dns" : "--dns-servers") +
                     " has nothing to do: expected one of them");
}

void check_os_options(ScanOptions& o) {
  // -A asks for -O where the scan can run it; the scan says when it does not.
  if (o.aggressive && !o.os_detection && !os_detection_refusal(o)) o.os_detection = true;
  if (o.os_detection) {
    if (auto why = os_detection_refusal(o)) throw UsageError(*why);
    return;
  }
  const char* tuning = o.osscan_limit ? "--osscan-limit" : o.osscan_guess ? "--osscan-guess" : o.max_os_tries ? "--max-os-tries" : nullptr;
  if (tuning)
    throw UsageError(std::string(tuning) + " tunes OS detection, which is not asked for: add -O (or -A)");
}

void check_source_ports(const std::string& s) {
  if (s.empty()) return;
  const auto v = number_pair(s, '-');
  if (!v || v->first < 1 || v->second > 65535 || v->first > v->second)
    throw UsageError("invalid --source-ports \"" + s +
                     "\": expected a range FIRST-LAST within 1-65535, e.g. 40000-60000");
}

// The nmap options refused by name, for the help's last lines.
std::string unsupported_options_text() {
  std::string text = "NOT SUPPORTED (refused, each with why):";
  std::size_t line_start = 0;
  for (const UnsupportedOption& u : unsupported_options()) {
    if (text.size() - line_start + u.spelling.size() + 1 > 100) {
      text += "\n ";
      line_start = text.size() - 1;
    }
    text += ' ';
    text += u.spelling;
  }
  return text;
}

// nmap takes a resumed scan's options and targets from its resume file and
// refuses any beside --resume; so does portsweep, whose resume file holds the
// whole command line. That includes the outputs (the resumed run writes the
// same names, or NAME.resumed-N.EXT beside one that exists, and says so), so
// nothing else is needed: the run_scan of a resume replaces every option with
// the file's, and one given beside --resume would be silently ignored. Each
// is named instead. -h still prints the help.
void refuse_beside_resume(const CLI::App& app, const ScanOptions& o) {
  std::vector<std::string> extra;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->count() == 0 || !opt->nonpositional() || opt->check_lname("resume")) continue;
    // As nmap --help spells it: -sS rather than --syn-scan, -V rather than --version.
    const std::optional<std::string_view> nmap =
        opt->get_lnames().empty() ? std::nullopt : nmap_spelling("--" + opt->get_lnames()[0]);
    extra.push_back(nmap                           ? std::string(*nmap)
                    : !opt->get_snames().empty() ? "-" + opt->get_snames()[0]
                                                 : "--" + opt->get_lnames()[0]);
  }
  for (const std::string& t : o.targets) extra.push_back("the target \"" + t + "\"");
  if (extra.empty()) return;
  std::string list;
  for (size_t k = 0; k < extra.size(); ++k) list += (k ? ", " : "") + extra[k];
  throw UsageError("--resume takes the scan's options and targets from its resume file: expected nothing beside "
                   "--resume FILE, got " + list);
}

}  // namespace

void print_version(std::ostream& out) {
  out << "portsweep version " << PORTSWEEP_VERSION << "\n"
      << "Platform: x86_64-linux-gnu\n"
      << "Compiled with: " << pcap_lib_version() << ", oneTBB " << TBB_VERSION_MAJOR << '.'
      << TBB_VERSION_MINOR << ", CLI11 " << CLI11_VERSION;
#if PORTSWEEP_HAVE_DPDK
  out << ", DPDK " << PORTSWEEP_DPDK_VERSION;
#endif
  out << "\nCompiled without:";
#if !PORTSWEEP_HAVE_DPDK
  out << " dpdk";
#endif
  out << "\nPacket I/O backends: pcap" << (PORTSWEEP_HAVE_DPDK ? " dpdk" : "") << "\n";
}

ParsedCommandLine parse_command_line(const std::vector<std::string>& args, std::ostream& out,
                                     std::ostream& err) {
  ScanOptions o;
  o.argv = args;
  CLI::App app{"portsweep: a stateless network scanner with nmap's command line", "portsweep"};
  app.formatter(std::make_shared<NmapHelpFormatter>());
  app.get_formatter()->column_width(30);
  app.footer(
      "EXAMPLES:\n"
      "  portsweep -sS -n -Pn -p 22,80,443 --rate 100000 -e eth0 198.19.0.0/16\n"
      "  portsweep -sL 10.0-3.0.1-254\n"
      "  portsweep -sS -F --top-ports 100 -oA sweep 198.19.0.0/24\n"
      "  portsweep -sS -sV -p 21,22,80,443 -oX services.xml 198.19.0.0/24\n"
      "  portsweep detect --from sweep.jsonl -oX services.xml   (-sV later, on saved results)\n"
      "  portsweep report --from sweep.jsonl -oX sweep.xml      (saved results in other formats)\n" +
      unsupported_options_text());

  const char* tgt = "TARGET SPECIFICATION";
  app.add_option("targets", o.targets, "Hostnames, IP addresses, networks (CIDR) or nmap ranges")
      ->group(tgt);
  app.add_option("--input-list", o.input_list, "Input from list of hosts/networks (- for stdin)")
      ->type_name("FILE")->group(tgt);
  app.add_option("--exclude", o.exclude, "Exclude hosts/networks")
      ->delimiter(',')->allow_extra_args(false)->type_name("HOST1[,HOST2]...")->group(tgt);
  app.add_option("--excludefile", o.exclude_file, "Exclude list from file")
      ->type_name("FILE")->group(tgt);
  app.add_flag("-6", o.ipv6, "Enable IPv6 scanning: hostnames resolve to IPv6 (IPv4 and IPv6 addresses may be mixed)")
      ->group(tgt);
  app.add_option("--max-ipv6-targets", o.max_ipv6_targets,
                 "Largest IPv6 target set swept without refusing (default 16777216; a /64 is 2^64 addresses)")
      ->type_name("N")->check(CLI::Range(uint64_t{1}, uint64_t{1} << 62))->group(tgt);

  const char* scan = "SCAN TECHNIQUES";
  // Every registered probe module is a scan type with its own flag.
  for (const ProbeModule* m : probe_modules()) {
    if (!m->is_scan_type()) continue;  // the -P options and --traceroute select those
    if (!m->option_argument.empty()) {
      app.add_option_function<std::string>(std::string(m->long_option),
                                            [&o, m](const std::string& value) {
                                              if (std::find(o.scan_types.begin(), o.scan_types.end(), m->name) ==
                                                  o.scan_types.end())
                                                o.scan_types.emplace_back(m->name);
                                              o.scan_arguments.emplace_back(m->name, value);
                                            },
                                            std::string(m->summary))
          ->type_name(std::string(m->option_argument))
          ->group(scan);
      continue;
    }
    app.add_flag_callback(std::string(m->long_option),
                          [&o, m] {
                            if (std::find(o.scan_types.begin(), o.scan_types.end(), m->name) == o.scan_types.end())
                              o.scan_types.emplace_back(m->name);
                          },
                          std::string(m->summary))
        ->group(scan);
  }
  app.add_option("--scanflags", o.scan_flags, "Customize TCP scan flags: names (URGACKPSHRSTSYNFIN) or a number")
      ->type_name("FLAGS")->group(scan);
  app.add_flag("--list-scan", o.list_scan, "List Scan: list targets to scan, send nothing")
      ->group(scan);
  app.add_flag("--service-version", o.service_version, "Probe open ports for service/version info")
      ->group(scan);
  const char* disc = "HOST DISCOVERY";
  app.add_flag("--skip-discovery", o.skip_discovery, "Treat all hosts as online: skip host discovery")->group(disc);
  app.add_flag("--ping-scan", o.ping_scan, "Ping scan: find the hosts that are up, scan no ports")->group(disc);
  const auto ping_list = [&](const char* name, std::vector<std::string>& into, const char* what) {
    app.add_option(name, into, what)->allow_extra_args(false)->type_name("[PORTLIST]")->group(disc);
  };
  ping_list("--tcp-syn-ping", o.syn_ping, "TCP SYN discovery to the given ports (default 80)");
  ping_list("--tcp-ack-ping", o.ack_ping, "TCP ACK discovery to the given ports (default 80)");
  ping_list("--udp-ping", o.udp_ping, "UDP discovery to the given ports (default 40125)");
  app.add_option("--ip-protocol-ping", o.proto_ping, "IP protocol ping (default protocols 1,2,4)")
      ->allow_extra_args(false)->type_name("[PROTOCOLS]")->group(disc);
  app.add_flag("--icmp-echo-ping", o.echo_ping, "ICMP echo request discovery")->group(disc);
  app.add_flag("--icmp-timestamp-ping", o.timestamp_ping, "ICMP timestamp request discovery")->group(disc);
  app.add_flag("--icmp-netmask-ping", o.netmask_ping, "ICMP address mask request discovery")->group(disc);
  app.add_flag("--arp-ping", o.arp_ping, "ARP discovery of on-link targets (the default for them)")->group(disc);
  app.add_flag("--disable-arp-ping", o.disable_arp_ping,
               "On-link targets get the IP discovery probes too: an ARP answer alone does not make them up")
      ->group(disc);
  app.add_flag("-n", o.no_dns, "Never do reverse DNS (target names are still resolved)")->group(scan);
  app.add_flag("-R", o.always_resolve, "Reverse DNS of every target, not only of the hosts found up")->group(scan);
  app.add_option("--dns-servers", o.dns_servers, "Reverse DNS asks these servers (default: /etc/resolv.conf's)")
      ->type_name("<serv1[,serv2],...>")->group(scan);
  app.add_flag("--system-dns", o.system_dns, "Reverse DNS through the system's resolver (getnameinfo)")->group(scan);
  app.add_flag("--privileged", o.privileged, "Assume raw packets may be sent (no -sT fallback)")->group(scan);
  app.add_flag("--unprivileged", o.unprivileged, "Assume no raw-packet privilege: the default scan becomes -sT")
      ->group(scan);

  const char* sv = "SERVICE/VERSION DETECTION";
  app.add_option("--version-intensity", o.version_intensity,
                 "Set from 0 (light) to 9 (try all probes)")
      ->type_name("<0-9>")->transform(check_version_intensity)->group(sv);
  app.add_flag("--version-light", o.version_light, "Limit to most likely probes (intensity 2)")->group(sv);
  app.add_flag("--version-all", o.version_all, "Try every single probe (intensity 9)")->group(sv);
  app.add_flag("--version-trace", o.version_trace, "Show detailed version scan activity")->group(sv);
  app.add_flag("--allports", o.all_ports, "Don't exclude any ports from version detection")->group(sv);
  app.add_option("--version-parallel", o.version_parallel,
                 "A port's probes sent at once, nmap's order deciding (default 8; 1: one after another)")
      ->type_name("N")->transform(whole_in("--version-parallel", 1, 64))->group(sv);
  app.add_option("--max-parallelism", o.max_parallelism,
                 "Connections at once: -sT's connects (default 4000), -b's FTP sessions (default 8) and -sV's connections (default 4096)")
      ->type_name("N")->transform(whole_in("--max-parallelism", 1, 65535))->group(sv);

  const char* osd = "OS DETECTION";
  app.add_flag("-O", o.os_detection,
               "Enable OS detection: nmap's probes to every host up at once, after the port scan")
      ->group(osd);
  app.add_flag("--osscan-limit", o.osscan_limit, "Limit OS detection to promising targets (an open and a closed TCP port)")
      ->group(osd);
  app.add_flag("--osscan-guess,--fuzzy", o.osscan_guess, "Guess OS more aggressively")->group(osd);
  app.add_option("--max-os-tries", o.max_os_tries, "OS detection tries per host at most (default 5)")
      ->type_name("N")->transform(whole_in("--max-os-tries", 1, 50))->group(osd);

  bool os_hint_on = false, os_hint_off = false;
  app.add_flag("--os-hint", os_hint_on,
               "Passive OS hint per host from the sweep's own SYN-ACKs and resets (p0f signatures; on with -O)")
      ->group(osd);
  app.add_flag("--no-os-hint", os_hint_off, "No passive OS hint")->group(osd);
  const char* ports = "PORT SPECIFICATION";
  app.add_option("--ports", o.ports, "Only scan these ports: -p22; -p1-65535; -p U:53,T:21-25,80")
      ->type_name("SPEC")->group(ports);
  app.add_option("--exclude-ports", o.exclude_ports, "Exclude the specified ports from scanning")
      ->type_name("SPEC")->group(ports);
  app.add_flag("-F", o.fast, "Fast mode: scan fewer ports than the default scan")->group(ports);
  app.add_flag("-r", o.sequential_ports, "Scan ports sequentially, don't randomize")->group(ports);
  app.add_option("--top-ports", o.top_ports, "Scan the N most common ports")
      ->type_name("N")->group(ports);
  app.add_option("--port-ratio", o.port_ratio, "Scan ports more common than RATIO (0 to 1)")
      ->type_name("RATIO")->group(ports);
  app.add_option("--datadir", o.datadir, "Read nmap-services from DIR first")
      ->type_name("DIR")->group(ports);

  const char* perf = "TIMING AND PERFORMANCE";
  app.add_option("--timing", o.timing,
                 "Timing template (higher is faster): nmap's values for the pace, retries and RTT timeouts")
      ->type_name("<0-5>")->check(CLI::Range(0, 5).description(""))->group(perf)
      ->transform([](const std::string& v) { return std::to_string(timing_level(v)); });
  app.add_option("--rate", o.rate, "Send exactly this many packets per second")
      ->type_name("PPS")->transform(rate_in("--rate"))->group(perf);
  app.add_option("--min-rate", o.min_rate, "Send no slower than PPS")
      ->type_name("PPS")->transform(rate_in("--min-rate"))->group(perf);
  app.add_option("--max-rate", o.max_rate, "Send no faster than PPS")
      ->type_name("PPS")->transform(rate_in("--max-rate"))->group(perf);
  app.add_option("--max-retries", o.max_retries,
                 "Retry passes (default -T's: 2 at -T0-2, else 1); a retry resends an unanswered probe only to an address that "
                 "answered some probe, since most silent addresses are dead")
      ->type_name("N")->transform(whole_in("--max-retries", 0, 50))->group(perf);
  app.add_flag("--retry-silent", o.retry_silent, "Retries also go to addresses that answered nothing")
      ->group(perf);
  app.add_option("--wait", o.wait_seconds, "Seconds to wait for replies after the last probe (default: the RTT timeout)")
      ->type_name("SECONDS")->transform(real_in("--wait", 0, 3600, "a time", "seconds"))->group(perf);
  app.add_option("--min-rtt-timeout", o.min_rtt_timeout,
                 "Cooldown and retry gap at least TIME, however fast the replies (-sT: connect timeout)")
      ->type_name("TIME")->transform(time_in("--min-rtt-timeout", 0.001, 3600))->group(perf);
  app.add_option("--max-rtt-timeout", o.max_rtt_timeout,
                 "Cooldown and retry gap at most TIME: srtt + 4 x rttvar of the replies, within min-max")
      ->type_name("TIME")->transform(time_in("--max-rtt-timeout", 0.001, 3600))->group(perf);
  app.add_option("--initial-rtt-timeout", o.initial_rtt_timeout,
                 "Cooldown and retry gap before any reply has been timed; -sT's connect timeout")
      ->type_name("TIME")->transform(time_in("--initial-rtt-timeout", 0.001, 3600))->group(perf);
  app.add_option("--host-timeout", o.host_timeout,
                 "Stop the sweep at TIME; if its first pass is cut short, every host is skipped (0: none)")
      ->type_name("TIME")->transform(time_in("--host-timeout", 0, 366.0 * 86400))->group(perf);
  app.add_option("--scan-delay", o.scan_delay,
                 "At most one probe every TIME, over all hosts (so each host sees TIME between its probes)")
      ->type_name("TIME")->transform(time_in("--scan-delay", 0, 1000))->group(perf);
  app.add_option("--max-scan-delay", o.max_scan_delay, "At least one probe every TIME")
      ->type_name("TIME")->transform(time_in("--max-scan-delay", 0.001, 1000))->group(perf);
  app.add_option("--min-parallelism", o.min_parallelism,
                 "Connections at once at least N: -sT's connects and -sV's connections")
      ->type_name("N")->transform(whole_in("--min-parallelism", 1, 65535))->group(perf);
  app.add_option("--tx-threads", o.tx_threads, "Transmit threads (default: follow the cores)")
      ->type_name("N")->transform(whole_in("--tx-threads", 1, 64))->group(perf);
  app.add_option("--rx-threads", o.rx_threads,
                 "Receive threads, one per receive queue, at most N (default 1; --io dpdk has as many queues "
                 "as the interface, pcap one)")
      ->type_name("N")->transform(whole_in("--rx-threads", 1, 64))->group(perf);
  app.add_option("--seed", o.seed, "Seed of the probe order and cookies")
      ->type_name("N")->transform(whole_in("--seed", 0, UINT64_MAX))->group(perf);
  app.add_option("--shard", o.shard, "Scan only shard I of N (1-based)")
      ->type_name("I/N")->group(perf);

  const char* io = "PACKET I/O";
  app.add_option("--io", o.io, "Packet I/O backend")
      ->check(CLI::IsMember({"pcap", "dpdk"}))->group(io);
  app.add_option("--dpdk-args", o.dpdk_args,
                 "EAL arguments for --io dpdk, e.g. \"-a 0000:01:00.0 -l 2\"")
      ->type_name("ARGS")->group(io);
  app.add_option("--pcap-tx", o.pcap_tx,
                 "How --io pcap sends: sendmmsg (default: a batch a syscall), ring (an AF_PACKET TX ring the probes "
                 "are written into) or inject (pcap_inject, a frame a syscall)")
      ->type_name("METHOD")->check(CLI::IsMember({"sendmmsg", "ring", "inject"}))->group(io);
  app.add_option("-e", o.interface, "Use specified interface")->type_name("IFACE")->group(io);
  app.add_option("-S", o.source_ip, "Spoof source address")->type_name("ADDR")->group(io);
  app.add_option("-g,--source-port", o.source_port, "Use given source port number")
      ->type_name("PORT")->transform(whole_in("-g", 0, 65535))->group(io);
  app.add_option("--source-ports", o.source_ports, "Source port range for probes")
      ->type_name("FIRST-LAST")->group(io);
  app.add_option("--ttl", o.ttl, "Set IP time-to-live field")
      ->transform(whole_in("--ttl", 1, 255))->group(io);
  app.add_flag("--iflist", o.iflist, "Print host interfaces and routes")->group(io);
  app.add_flag("--send-eth", o.send_eth, "Send raw Ethernet frames (what portsweep always does)")->group(io);

  const char* ev = "FIREWALL/IDS EVASION AND SPOOFING (raw probes; --rate counts probes, not their frames)";
  app.add_flag("-f", o.fragment, "Fragment probes: 8 bytes of IP payload each (-ff: 16)")->group(ev);
  app.add_option("--mtu", o.mtu, "Fragment probes: N bytes of IP payload each (a multiple of 8)")
      ->type_name("N")->transform(whole_in("--mtu", 8, 65528))->group(ev);
  app.add_option("-D,--decoys", o.decoys, "Also send every probe from each decoy, ours at ME's place")
      ->type_name("decoy1,decoy2[,ME],RND:N")->group(ev);
  app.add_option("--data", o.data_hex, "Append custom bytes to probes (replaces -sU's payloads)")
      ->type_name("HEX")->group(ev);
  app.add_option("--data-string", o.data_string, "Append a custom string to probes (replaces -sU's payloads)")
      ->type_name("STRING")->group(ev);
  app.add_option("--data-length", o.data_length,
                 "Append N random bytes to probes, the same bytes in every probe (0: none, -sU's payloads neither)")
      ->type_name("N")->transform(whole_in("--data-length", 0, 65400))->group(ev);
  app.add_option("--ip-options", o.ip_options, "Send probes with IP options: R, T, U, \"L ADDR...\", \"S ADDR...\", \\xHH...")
      ->type_name("OPTIONS")->group(ev);
  app.add_option("--spoof-mac", o.spoof_mac, "Send probes from this MAC: 0 (random), a MAC, a prefix or a vendor")
      ->type_name("MAC/PREFIX/VENDOR")->group(ev);
  app.add_flag("--badsum", o.badsum, "Send probes with a wrong TCP/UDP/ICMP checksum")->group(ev);

  const char* outg = "OUTPUT";
  app.add_option("--output-normal", o.output_normal, "Normal output to FILE")
      ->type_name("FILE")->group(outg);
  app.add_option("--output-xml", o.output_xml, "XML output to FILE")->type_name("FILE")->group(outg);
  app.add_option("--output-grepable", o.output_grepable, "Grepable output to FILE")
      ->type_name("FILE")->group(outg);
  app.add_option("--output-skid", o.output_skid, "Script kiddie output to FILE (nmap's l33t joke)")
      ->type_name("FILE")->group(outg);
  app.add_option("--output-json", o.output_json, "JSON lines to FILE, one record per result")
      ->type_name("FILE")->group(outg);
  app.add_option("--output-all", o.output_all, "Normal, XML and grepable output to BASE.*")
      ->type_name("BASE")->group(outg);
  app.add_flag("--verbose", o.verbose, "Increase verbosity level")->group(outg);
  app.add_flag("--debug", o.debug, "Increase debugging level")->group(outg);
  app.add_flag("--reason", o.reason, "Display the reason a port is in a particular state")
      ->group(outg);
  app.add_flag("--traceroute", o.traceroute, "Trace hop path to each host up (ICMP echo requests, every TTL at once)")
      ->group(disc);
  app.add_flag("--packet-trace", o.packet_trace,
               "Show every packet sent and received (the sweeps' raw packets; not -sT's or -sV's connections)")
      ->group(outg);
  app.add_flag("--open", o.open_only, "Only show open ports")->group(outg);
  app.add_flag("--append-output", o.append_output, "Append to rather than clobber the output files")->group(outg);
  app.add_flag("--log-errors", o.log_errors, "Errors and warnings go to the -oN file too (always, as in nmap 7.93)")
      ->group(outg);
  app.add_option("--stats-every", o.stats_every, "A progress line every TIME (default: 1s for sweeps, 5s otherwise)")
      ->type_name("TIME")->transform(time_in("--stats-every", 0.01, 366.0 * 86400))->group(outg);
  app.add_flag("--noninteractive", o.noninteractive, "No progress lines while the scan runs, unless --stats-every")
      ->group(outg);
  app.add_option("--stylesheet", o.stylesheet, "XSL stylesheet the XML names, to show it as HTML")
      ->type_name("PATH/URL")->group(outg);
  app.add_flag("--webxml", o.webxml, "The XML names nmap.org's stylesheet")->group(outg);
  app.add_flag("--no-stylesheet", o.no_stylesheet, "The XML names no stylesheet (by default it names nmap.xsl where nmap's data files are)")->group(outg);
  app.add_option("--resume", o.resume,
                 "Resume an interrupted scan from its resume file (alone: the options come from the file)")
      ->type_name("FILE")->group(outg);

  const char* bench = "BENCHMARK";
  app.add_flag("--bench-tx", o.bench_tx,
               "Send SYNs to the targets at --rate (default: top speed) for --duration "
               "seconds and report packets/s per TX queue")
      ->group(bench);
  app.add_option("--duration", o.duration, "Seconds --bench-tx runs (default 10)")
      ->type_name("SECONDS")->transform(real_in("--duration", 0.1, 86400, "a time", "seconds"))->group(bench);

  app.add_flag("-A", o.aggressive,
               "-sV, -O and --traceroute (nmap's -A also runs -sC, which portsweep does not have yet)")
      ->group("MISC");
  app.add_flag("-V,--version", o.version, "Print version number")->group("MISC");
  app.set_help_flag("-h,--help", "Print this help summary page")->group("MISC");

  // As nmap: no arguments at all get the help, and a status that says
  // nothing was scanned.
  if (args.empty()) {
    out << app.help();
    return {std::nullopt, 2};
  }
  try {
    std::vector<std::string> normalised = normalise_nmap_args(args, long_option_names(app));
    std::vector<std::string> reversed(normalised.rbegin(), normalised.rend());
    app.parse(reversed);
    if (!o.resume.empty()) refuse_beside_resume(app, o);
    if (os_hint_on && os_hint_off) throw UsageError("--os-hint and --no-os-hint contradict each other: expected one of them");
    if (os_hint_on || os_hint_off) o.os_hint = os_hint_on;
    o.exclude.erase(std::remove(o.exclude.begin(), o.exclude.end(), ""), o.exclude.end());
    // As nmap's: each -d raises the verbosity too (XML's <verbose level>,
    // the task lines, the down hosts), besides printing the timing report.
    o.verbose += o.debug;
    // nmap's -A is -O -sV -sC --traceroute: what portsweep has of it (the
    // scan says what it leaves out when it starts).
    if (o.aggressive) {
      o.service_version = true;
      o.traceroute = true;
    }
    check_os_options(o);
    if (o.min_rate && o.max_rate && *o.min_rate > *o.max_rate)
      throw UsageError("--min-rate " + number_text(*o.min_rate) + " is above --max-rate " +
                       number_text(*o.max_rate) + ": expected the minimum at or below the maximum");
    resolve_timing(o);  // contradicting timing options are refused here
    if (o.host_timeout && *o.host_timeout > 0 && o.service_version)
      throw UsageError("--host-timeout bounds the port scan's time, and is not applied to -sV's connections yet: "
                       "run -sV without it (portsweep detect --from FILE probes saved results later)");
    check_shard(o.shard);
    // Each shard walks the permutation its seed defines; shards of different
    // random seeds would overlap and leave gaps.
    if (!o.shard.empty() && !o.seed)
      throw UsageError("--shard " + o.shard + " needs --seed N, the same on every shard, so the shards split one "
                       "probe order between them");
    if (o.sequential_ports)
      throw UsageError("-r (ports in order) is not supported: the stateless engine always spreads probes in a "
                       "seeded random order");
    if (!o.scan_flags.empty()) parse_scan_flags(o.scan_flags);  // validated here, applied by the scan
    if (!o.dpdk_args.empty() && o.io != "dpdk")
      throw UsageError("--dpdk-args \"" + o.dpdk_args + "\" needs --io dpdk (the I/O is " + o.io + ")");
    if (!o.pcap_tx.empty() && o.io != "pcap")
      throw UsageError("--pcap-tx " + o.pcap_tx + " needs --io pcap (the I/O is " + o.io + ")");
    check_source_ports(o.source_ports);
    check_evasion_options(o);
    check_dns_options(o);
    if (int(!o.stylesheet.empty()) + int(o.webxml) + int(o.no_stylesheet) > 1)
      throw UsageError("--stylesheet, --webxml and --no-stylesheet each choose XML's stylesheet: expected one of them");
    if (o.list_scan && (o.ping_scan || any_probe_option(o)))
      throw UsageError("-sL sends nothing: -sn and the -P probe options have nothing to do");
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return {std::nullopt, 0};
  } catch (const CLI::ParseError& e) {
    print_message_line(err, "portsweep: ", std::string(e.what()) + " (see 'portsweep --help' for the options)");
    return {std::nullopt, 2};
  } catch (const UsageError& e) {
    print_message_line(err, "portsweep: ", e.what());
    return {std::nullopt, 2};
  }
  return {std::move(o), 0};
}

}  // namespace portsweep
