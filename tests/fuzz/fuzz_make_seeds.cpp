// Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/NAME):
//   fuzz_make_seeds OUT             the seeds kept in the repository
//   fuzz_make_seeds --nmap DIR OUT  entries of Debian's nmap data files in DIR
//                                   (scripts/fuzz, into its build directory:
//                                   nmap's files are never copied into the
//                                   repository)
// Frames are built with the unit tests' helpers (tests/unit/probes) as
// replies to probes the real probers wrote, with the fuzz configuration
// (fuzz_probers.hpp), so their cookies are valid; saved results come from
// portsweep's own writers; text seeds are the project's data files cut into
// entries, and small real inputs of each syntax.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/probes/test_frames.hpp"
#include "../unit/probes/test_builders6.hpp"
#include "fuzz_probers.hpp"
#include "fuzz_support.hpp"
#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "output/service_report.hpp"
#include "packet/packet_decoder.hpp"

namespace {

using namespace portsweep;
using namespace portsweep::testing;
namespace fs = std::filesystem;

fs::path g_out;

void seed(const std::string& target, const std::string& name, std::string_view bytes) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}
void seed(const std::string& target, const std::string& name, const Bytes& bytes) {
  seed(target, name, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// ---- frames ----------------------------------------------------------------

Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<uint16_t>(8 + payload.size()));
  put16(b, 0);
  append(b, payload);
  return b;
}

Bytes icmp_echo_reply(uint16_t id, uint16_t seq) {
  Bytes b = {0, 0, 0, 0};
  put16(b, id);
  put16(b, seq);
  append(b, Bytes{'p', 's'});
  const uint16_t c = rfc1071(b.data(), b.size());
  b[2] = static_cast<uint8_t>(c >> 8);
  b[3] = static_cast<uint8_t>(c);
  return b;
}

Bytes vlan_tagged(const Bytes& frame, uint16_t vid) {
  Bytes b(frame.begin(), frame.begin() + 12);
  put16(b, 0x8100);
  put16(b, vid);
  append(b, frame.data() + 12, frame.size() - 12);
  return b;
}

// Replies of every shape to one probe; the classifier of each module takes
// the ones its scan type reads and ignores the rest.
std::map<std::string, Bytes> replies_to(const Bytes& probe) {
  DecodedPacket p;
  std::map<std::string, Bytes> out;
  if (decode_ethernet(probe.data(), probe.size(), p) != DecodeStatus::Ok) return out;
  const auto frame = [&](uint8_t proto, const Bytes& l4) { return concat(ethernet(), ipv4(p.dst_ip, p.src_ip, proto, l4, 57)); };
  const Bytes quote(probe.begin() + 14, probe.begin() + static_cast<long>(std::min<size_t>(probe.size(), 14 + 28)));
  const auto unreachable = [&](uint8_t code) {
    return concat(ethernet(), ipv4(0xc6120063, p.src_ip, 1, icmp_error(3, code, quote), 250));
  };
  if (p.ip_proto == 6) {
    out["synack"] = frame(6, tcp(p.dst_port, p.src_port, 777, p.seq + 1, 0x12));
    out["rst-ack0"] = frame(6, tcp(p.dst_port, p.src_port, 0, p.seq, 0x14));
    out["rst-ack1"] = frame(6, tcp(p.dst_port, p.src_port, 0, p.seq + 1, 0x14));
    out["rst-seq"] = frame(6, tcp(p.dst_port, p.src_port, p.ack, 0, 0x04));
    Bytes window = tcp(p.dst_port, p.src_port, p.ack, 0, 0x04);
    window[14] = 0x04;  // window 1024: -sW reads it as open
    out["rst-window"] = frame(6, window);
  }
  if (p.ip_proto == 17) out["udp-reply"] = frame(17, udp(p.dst_port, p.src_port, Bytes{'o', 'k'}));
  if (p.ip_proto == 1) out["echo-reply"] = frame(1, icmp_echo_reply(p.icmp_id, p.icmp_seq));
  if (p.ip_proto != 1 && p.ip_proto != 6 && p.ip_proto != 17) out["same-proto"] = frame(p.ip_proto, Bytes{});
  out["unreach-port"] = unreachable(3);
  out["unreach-proto"] = unreachable(2);
  out["unreach-admin"] = unreachable(13);
  out["unreach-fragneeded"] = unreachable(4);
  return out;
}

// IPv6 shapes, built by hand (2001:db8::1 scanning 2001:db8:1::5): each
// reply kind the decoder reads, the extension headers it walks, and the
// edges it must refuse.
void frame6_seeds() {
  const Addr6 us = addr6(0, 1), target = addr6(1, 5), router = addr6(0xff, 0xfe);
  const auto eth6 = [](const Bytes& packet) { return concat(ethernet(0x86dd), packet); };
  Bytes syn = tcp(40000, 80, 0x01020304, 0, 0x02);
  const Bytes syn6 = ipv6(us, target, 6, syn, 64);
  const Bytes udp6 = ipv6(us, target, 17, udp_datagram(40000, 53, Bytes{'q'}), 64);
  const Bytes syn_ack = eth6(ipv6(target, us, 6, tcp(80, 40000, 777, 0x01020305, 0x12), 57));
  seed("packet_decoder", "v6-probe-syn", eth6(syn6));
  seed("packet_decoder", "v6-synack", syn_ack);
  seed("packet_decoder", "v6-rst-ack", eth6(ipv6(target, us, 6, tcp(81, 40000, 0, 0x01020305, 0x14), 57)));
  seed("packet_decoder", "v6-udp-reply", eth6(ipv6(target, us, 17, udp_datagram(53, 40000, Bytes{'o', 'k'}), 57)));
  seed("packet_decoder", "v6-echo-reply", eth6(ipv6(target, us, 58, icmp6(129, 0, 0x12340001, Bytes{'p', 's'}), 57)));
  seed("packet_decoder", "v6-unreach-port", eth6(ipv6(target, us, 58, icmp6(1, 4, 0, udp6), 57)));
  seed("packet_decoder", "v6-unreach-admin", eth6(ipv6(router, us, 58, icmp6(1, 1, 0, syn6), 250)));
  seed("packet_decoder", "v6-too-big", eth6(ipv6(router, us, 58, icmp6(2, 0, 1280, syn6), 250)));
  seed("packet_decoder", "v6-time-exceeded", eth6(ipv6(router, us, 58, icmp6(3, 0, 0, syn6), 250)));
  Bytes na_body(target.begin(), target.end());
  append(na_body, Bytes{2, 1, 0x02, 0, 0, 0, 0, 0x05});  // target link-layer address option
  seed("packet_decoder", "v6-neighbor-adv", eth6(ipv6(target, us, 58, icmp6(136, 0, 0x60000000, na_body), 255)));
  Bytes ns_body(us.begin(), us.end());
  append(ns_body, Bytes{1, 1, 0x02, 0, 0, 0, 0, 0x01});  // source link-layer address option
  seed("packet_decoder", "v6-neighbor-sol", eth6(ipv6(target, us, 58, icmp6(135, 0, 0, ns_body), 255)));
  Bytes exts = ext_header(60, 0);  // hop-by-hop -> destination options -> TCP
  append(exts, ext_header(6, 1));
  seed("packet_decoder", "v6-ext-headers", eth6(ipv6(target, us, 6, tcp(80, 40000, 1, 2, 0x12), 57, exts, 0)));
  const Bytes quoted_ext = ipv6(us, target, 6, syn, 64, ext_header(6, 0), 60);
  seed("packet_decoder", "v6-quote-ext", eth6(ipv6(router, us, 58, icmp6(3, 0, 0, quoted_ext), 250)));
  const Bytes fragment = {6, 0, 0, 1, 0, 0, 0, 7};  // offset 0, more fragments
  seed("packet_decoder", "v6-fragment", eth6(ipv6(target, us, 6, tcp(80, 40000, 1, 2, 0x12), 57, fragment, 44)));
  seed("packet_decoder", "v6-vlan", vlan_tagged(syn_ack, 7));
  seed("packet_decoder", "v6-bare", Bytes(syn_ack.begin() + 14, syn_ack.end()));
  seed("packet_decoder", "v6-truncated", Bytes(syn_ack.begin(), syn_ack.begin() + 70));
  Bytes damaged = syn_ack;
  damaged[14 + 40 + 13] ^= 0x04;
  seed("packet_decoder", "v6-bad-checksum", damaged);
  Bytes no_sum = eth6(ipv6(target, us, 17, udp_datagram(53, 40000, Bytes{'z'}), 57));
  no_sum[14 + 40 + 6] = no_sum[14 + 40 + 7] = 0;  // invalid over IPv6
  seed("packet_decoder", "v6-udp-zero-checksum", no_sum);
}

void frame_seeds() {
  // Each scan type once (the TCP flag scans differ only in their rules), -sS
  // with --scanflags too, -sU to a port with a payload and one without, -sO
  // for each kind of probe it sends (echo, TCP ACK, UDP, bare IP).
  const std::map<std::string, std::vector<uint16_t>> wanted = {
      {"tcp_syn", {80}}, {"tcp_ack", {80}}, {"tcp_window", {80}}, {"tcp_maimon", {80}}, {"tcp_null", {80}},
      {"tcp_fin", {80}}, {"tcp_xmas", {80}}, {"udp", {53, 9}}, {"ip_proto", {1, 6, 17, 47}}};
  std::vector<fuzz::FuzzProber> probers = fuzz::make_fuzz_probers();
  for (size_t i = 0; i < probers.size(); ++i) {
    fuzz::FuzzProber& fp = probers[i];
    const std::string name(fp.module->name);
    const bool flagged = i >= probers.size() / 2;
    const auto it = wanted.find(name);
    if (it == wanted.end() || (flagged && name != "tcp_syn")) continue;
    // The decoder sees every shape through -sS, -sU and -sO.
    const bool for_decoder = !flagged && (name == "tcp_syn" || name == "udp" || name == "ip_proto");
    for (uint16_t port : it->second) {
      Bytes probe(fp.prober->max_frame_size());
      uint8_t* f = probe.data();
      uint16_t len = 0;
      const ProbeTarget t{fuzz::kTargetIp, port};
      fp.prober->write_probes({&t, 1}, &f, &len);
      probe.resize(len);
      const std::string base = name + (flagged ? "-flags" : "") + "-" + std::to_string(port);
      if (for_decoder) seed("packet_decoder", "probe-" + base, probe);
      for (const auto& [shape, reply] : replies_to(probe)) {
        if (for_decoder) seed("packet_decoder", shape + "-" + base, reply);
        seed("classifiers", shape + "-" + base, concat(Bytes{0}, reply));
      }
      // A reply whose fields the target re-echoes from the probe (mask 0x23:
      // addresses, ports and the ICMP quote).
      if (name == "tcp_syn" && !flagged) {
        seed("classifiers", "echo-unreach-" + base, concat(Bytes{0x23}, replies_to(probe)["unreach-admin"]));
        seed("classifiers", "echo-synack-" + base, concat(Bytes{0x07}, replies_to(probe)["synack"]));
      }
    }
  }
  // Shapes the decoder must refuse or handle at the edges.
  const Bytes syn_ack = concat(ethernet(), ipv4(fuzz::kTargetIp, fuzz::kScannerIp, 6, tcp(80, 40000, 1, 2, 0x12)));
  seed("packet_decoder", "vlan", vlan_tagged(syn_ack, 7));
  seed("packet_decoder", "qinq", vlan_tagged(vlan_tagged(syn_ack, 7), 9));
  seed("packet_decoder", "bare-ipv4", Bytes(syn_ack.begin() + 14, syn_ack.end()));
  Bytes padded = syn_ack;
  padded.resize(60, 0);  // Ethernet padding past the IP total length
  seed("packet_decoder", "padded", padded);
  seed("packet_decoder", "truncated", Bytes(syn_ack.begin(), syn_ack.begin() + 40));
  Bytes options = ipv4(fuzz::kTargetIp, fuzz::kScannerIp, 17, udp(53, 40000, Bytes{1, 2, 3}));
  options[0] = 0x46;  // IHL 6: four option bytes after the header
  options.insert(options.begin() + 20, {1, 1, 1, 0});
  options[3] = static_cast<uint8_t>(options[3] + 4);
  seed("packet_decoder", "ip-options", refill_checksums(concat(ethernet(), options)));
  Bytes fragment = syn_ack;
  fragment[14 + 6] = 0x20;  // more fragments
  seed("packet_decoder", "fragment", refill_checksums(fragment));
  Bytes damaged = syn_ack;
  damaged[14 + 20 + 13] ^= 0x04;  // a flag flipped in transit: the TCP checksum no longer holds
  seed("packet_decoder", "bad-checksum", damaged);
  seed("packet_decoder", "arp", concat(ethernet(0x0806), Bytes(28, 0)));
  frame6_seeds();
}

// ---- saved results ---------------------------------------------------------

void saved_seeds() {
  constexpr int64_t kStart = 1795287600LL * 1000000;
  const std::vector<PortResult> results = {
      {IpAddress::v4(0xc6130001), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStart + 100, 0, {}},
      {IpAddress::v4(0xc6130001), 8080, Proto::Tcp, PortState::Closed, Reason::Reset, 64, kStart + 200, 0, {}},
      {IpAddress::v4(0xc6130002), 443, Proto::Tcp, PortState::Filtered, Reason::AdminProhibited, 64, kStart + 300, 0, {}},
      {IpAddress::v4(0xc6130002), 53, Proto::Udp, PortState::Open, Reason::UdpResponse, 63, kStart + 400, 0, {}},
      {IpAddress::v4(0xc6130003), 161, Proto::Udp, PortState::Closed, Reason::PortUnreach, 63, kStart + 500, 0, {}},
      {IpAddress::v4(0xc6130003), 47, Proto::Ip, PortState::Open, Reason::ProtoResponse, 63, kStart + 600, 0, {}},
  };
  ScanInfo info;
  info.args = "portsweep -sS -sU -p T:22,443,8080,U:53,161 198.19.0.1-3";
  info.start_time_us = kStart;
  info.scans.push_back({"syn", Proto::Tcp, "22,443,8080", 3, {}});
  info.scans.push_back({"udp", Proto::Udp, "53,161", 2, {}});
  info.num_targets = 3;
  info.version_scan = true;
  ServiceResult service;
  service.ip = IpAddress::v4(0xc6130001);
  service.port = 22;
  service.time_us = kStart + 900;
  service.service.name = "ssh";
  service.service.product = "OpenSSH";
  service.service.version = "9.2p1 Debian 2+deb12u3";
  service.service.cpe = {"cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"};
  service.service.method = ServiceMethod::Probed;
  service.service.conf = kConfProbed;
  const fs::path tmp = fs::temp_directory_path() / ("portsweep-seeds-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  for (const char* format : {"json", "xml"}) {
    const fs::path path = tmp / format;
    {
      HostTable table(ReportPolicy::for_scan(info));
      auto w = make_writer(format, path.string());
      w->begin(info);
      for (const PortResult& r : results) {
        table.add(r);
        w->on_result(r);
      }
      table.set_service(service);
      w->on_service(service);
      ScanSummary summary;
      summary.end_time_us = kStart + 1000000;
      w->end(table, summary);
    }
    const std::string target = std::string(format) == "json" ? "saved_jsonl" : "saved_xml";
    const std::string text = read_file(path);
    seed(target, "portsweep", text);
    if (target == "saved_jsonl") {
      int n = 0;
      for (const std::string& line : lines_of(text)) seed(target, "line-" + std::to_string(n++), line + "\n");
    }
  }
  fs::remove_all(tmp);
  // nmap's own XML, with <extraports> lists and an IPv6 host (as in
  // tests/unit/detect/test_saved_scan.cpp).
  seed("saved_xml", "nmap", R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sS -p 21-25 -&#45;reason 198.19.0.1 2001:db8:1::1" start="1795288180" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="5" services="21-25"/>
<host starttime="1795288180" endtime="1795288192"><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="198.19.0.1" addrtype="ipv4"/>
<hostnames>
</hostnames>
<ports><extraports state="closed" count="3">
<extrareasons reason="reset" count="3" proto="tcp" ports="23-25"/>
</extraports>
<port protocol="tcp" portid="21"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="ftp" method="table" conf="3"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/></port>
</ports>
</host>
<host><status state="up" reason="user-set" reason_ttl="0"/>
<address addr="2001:db8:1::1" addrtype="ipv6"/>
<ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="64"/></port></ports>
</host>
<runstats><finished time="1795288192"/><hosts up="2" down="0" total="2"/></runstats>
</nmaprun>
)");
  // What else nmap's reports hold and the reader passes over: the stylesheet
  // PI, comments, entities and character references, service and script
  // elements, CDATA (as in tests/unit/detect/test_saved_xml.cpp).
  seed("saved_xml", "nmap-scripts", R"nmap(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>
<!-- Nmap 7.93 scan initiated Sat Nov 21 19:00:00 2026 as: nmap -sS -sV -&#45;reason -p 21,22,80 198.19.0.5 -->
<nmaprun scanner="nmap" args="nmap -sS -sV -&#45;reason -&#45;script-args &apos;x=&#x41;&amp;&quot;&lt;&#66;&gt;&quot;&apos; 198.19.0.5" start="1795287600" version="7.93" xmloutputversion="1.05">
<scaninfo type="syn" protocol="tcp" numservices="3" services="21-22,80"/>
<hosthint><status state="up" reason="unknown-response" reason_ttl="0"/>
<address addr="198.19.0.5" addrtype="ipv4"/>
</hosthint>
<host starttime="1795287600" endtime="1795287612"><status state="up" reason="echo-reply" reason_ttl="63"/>
<address addr="198.19.0.5" addrtype="ipv4"/>
<address addr="02:00:C6:13:00:05" addrtype="mac"/>
<hostnames><hostname name="tom&amp;jerry.example.test" type="PTR"/></hostnames>
<ports><port protocol="tcp" portid="21"><state state="closed" reason="reset" reason_ttl="63"/></port>
<port protocol="tcp" portid="22"><state state="open" reason="syn-ack" reason_ttl="63"/><service name="ssh" product="OpenSSH" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe></service><script id="ssh-hostkey" output="&#xa;  256 3e:1f (ECDSA)"><table><elem key="bits">256</elem></table></script></port>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack" reason_ttl="63"/><script id="http-title" output="Tom &amp; Jerry"><elem key="title"><![CDATA[Tom & Jerry's <page> ]]></elem></script></port>
</ports>
</host>
<runstats><finished time="1795287612" exit="success"/><hosts up="1" down="0" total="1"/></runstats>
</nmaprun>
)nmap");
  // A DOCTYPE with an internal subset that declares no entity (read), and
  // one that does (refused): material for the fuzzer's DTD mutations.
  seed("saved_xml", "doctype-subset", R"(<?xml version="1.0"?>
<!DOCTYPE nmaprun [
<!ELEMENT nmaprun ANY>
<!ATTLIST nmaprun start CDATA "1">
]>
<nmaprun start="1795287600"><host><address addr="198.19.0.1" addrtype="ipv4"/>
<ports><port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/></port></ports></host></nmaprun>
)");
  seed("saved_xml", "doctype-entities", R"(<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY a "b"><!ENTITY c "&a;&a;">]>
<nmaprun args="&c;"/>
)");
  // JSON's escapes, and banner bytes that are not UTF-8 in a service record.
  seed("saved_jsonl", "escapes", "{\"ip\":\"198.19.0.\\u0031\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\"}\n"
       "{\"ip\":\"198.19.0.1\",\"proto\":\"tcp\",\"port\":22,\"state\":\"open\",\"product\":\"a\\\"\xff\xc3\","
       "\"method\":\"probed\",\"cpe\":[\"x\",{\"y\":[1,2.5,-3,true,null]}]}\n");
}

// ---- text syntaxes ---------------------------------------------------------

void text_seeds() {
  int n = 0;
  for (const char* spec : {"198.19.0.1", "198.19.0.0/16", "10.0-255.0-255.1-254", "192.168.1,3,5-7.*",
                           "10.0.0.-100", "10.0.0.100-", "scanme.example.org/24", "lab.example",
                           "198.19.0.0/24 198.19.1.0/24 # two blocks\n198.18.0.1\n",
                           "198.19.0.0/16 lab.example|198.19.0.1,198.19.128.0/17", "2001:db8::/32", "10.1"})
    seed("targets", "spec-" + std::to_string(n++), spec);
  n = 0;
  for (const char* spec : {"22,80,443", "1-1024", "-", "-1024", "60000-", "T:21-25,U:53,161,S:9", "http*,ssh",
                           "x11-?", "[1-1024]", "0", "0-100|22|100|0.01", "22,80||10|", "||20|", "|||0.5",
                           "U:53,T:22|T:22"})
    seed("ports", "spec-" + std::to_string(n++), spec);
  seed("resume_file", "plain", "portsweep-resume 2\n# continue this scan with: portsweep --resume x\n"
                               "seed 12345\nkey 0123456789abcdeffedcba9876543210\nthreads 2\npass 0\n"
                               "position 0 1000\nposition 1 998\narg -sS\narg -p\narg 22,80\narg 198.19.0.0/16\n");
  seed("resume_file", "sidecars", "portsweep-resume 2\nseed 7\nkey 00000000000000010000000000000002\n"
                                  "threads 1\npass 1\nposition 0 5\nanswered 4\nresults 3\narg -sU\narg 198.19.0.1\n");

  // The project's own data files: whole, and cut into entries.
  const std::string probes = read_file(fuzz::source_data("portsweep-service-probes"));
  seed("service_probes_parser", "portsweep-service-probes", probes);
  std::string section;
  n = 0;
  for (const std::string& line : lines_of(probes)) {
    if (line.rfind("Probe ", 0) == 0 && !section.empty()) {
      seed("service_probes_parser", "section-" + std::to_string(n++), section);
      section.clear();
    }
    section += line + "\n";
  }
  seed("service_probes_parser", "section-" + std::to_string(n), section);

  const std::string payloads = read_file(fuzz::source_data("portsweep-payloads"));
  seed("udp_payloads", "portsweep-payloads", payloads);
  std::string entry;
  n = 0;
  for (const std::string& line : lines_of(payloads)) {
    if (line.rfind("udp ", 0) == 0 && !entry.empty()) {
      seed("udp_payloads", "entry-" + std::to_string(n++), entry);
      entry.clear();
    }
    if (line.empty() || line[0] != '#') entry += line + "\n";
  }
  seed("udp_payloads", "entry-" + std::to_string(n), entry);

  // Banners recorded from the lab (tests/unit/detect_db/banners/SERVER__PROTO_PROBE.bin),
  // each behind the name of the probe that drew it.
  const fs::path banners = fs::path(PORTSWEEP_SOURCE_DATADIR).parent_path() / "tests/unit/detect_db/banners";
  for (const auto& file : fs::directory_iterator(banners)) {
    const std::string stem = file.path().stem().string();
    const size_t sep = stem.find("__");
    if (sep == std::string::npos) continue;
    std::string probe = stem.substr(sep + 2);  // TCP_GetRequest
    const size_t us = probe.find('_');
    if (us == std::string::npos) continue;
    std::string proto = probe.substr(0, us);
    if (proto == "TLS") proto = "TCP";
    seed("version_match", stem, proto + " " + probe.substr(us + 1) + "\n" + read_file(file.path()));
  }
  seed("version_match", "softmatched", "TCP GetRequest http\nHTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n");
}

// ---- Debian's nmap files (scripts/fuzz; not kept in the repository) ---------

void nmap_seeds(const fs::path& dir) {
  // nmap-service-probes: each Probe with its settings and up to 40 of its
  // match lines per seed, so no seed is the whole 2.5 MB file.
  std::string head, chunk;
  int n = 0, matches = 0;
  const auto flush = [&] {
    if (matches > 0) seed("service_probes_parser", "nmap-" + std::to_string(n++), head + chunk);
    chunk.clear();
    matches = 0;
  };
  for (const std::string& line : lines_of(read_file(dir / "nmap-service-probes"))) {
    if (line.rfind("Probe ", 0) == 0) {
      flush();
      head = line + "\n";
    } else if (line.rfind("match ", 0) == 0 || line.rfind("softmatch ", 0) == 0) {
      chunk += line + "\n";
      if (++matches == 40) flush();
    } else if (!line.empty() && line[0] != '#' && !head.empty()) {
      head += line + "\n";
    }
  }
  flush();
  std::string entry;
  n = 0;
  for (const std::string& line : lines_of(read_file(dir / "nmap-payloads"))) {
    if (line.rfind("udp ", 0) == 0 && !entry.empty()) {
      seed("udp_payloads", "nmap-" + std::to_string(n++), entry);
      entry.clear();
    }
    if (line.empty() || line[0] != '#') entry += line + "\n";
  }
  if (!entry.empty()) seed("udp_payloads", "nmap-" + std::to_string(n), entry);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--nmap") {
    g_out = argv[3];
    nmap_seeds(argv[2]);
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_seeds OUT | fuzz_make_seeds --nmap DIR OUT\n");
    return 2;
  }
  g_out = argv[1];
  frame_seeds();
  saved_seeds();
  text_seeds();
  return 0;
}
