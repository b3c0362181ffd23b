#include "sample_scan.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace portsweep::test {

namespace {

std::string_view sample_service(uint16_t port, Proto proto) {
  if (proto == Proto::Tcp) {
    switch (port) {
      case 21: return "ftp";
      case 22: return "ssh";
      case 23: return "telnet";
      case 25: return "smtp";
      case 80: return "http";
      default: return {};
    }
  }
  if (proto == Proto::Udp && port == 53) return "domain";
  if (proto == Proto::Udp && port == 161) return "snmp";
  return {};
}

PortResult result(IpAddress addr, uint16_t port, Proto proto, PortState state, Reason reason,
                  uint8_t ttl) {
  return {addr, port, proto, state, reason, ttl, 0, 0, {}};
}

}  // namespace

ScanInfo sample_info(bool reason) {
  ScanInfo info;
  info.args = "portsweep -sS -sU -p T:1-100,U:53,161 --reason 198.19.0.0/24";
  info.start_time_us = kStartUs;
  info.scans = {{"syn", Proto::Tcp, "1-100", 100, std::nullopt},
                {"udp", Proto::Udp, "53,161", 2, std::nullopt}};
  info.num_targets = 256;
  info.version = "0.1.0";
  info.reason = reason;
  info.service_name = sample_service;
  return info;
}

std::vector<PortResult> sample_results() {
  const IpAddress a = ip(198, 19, 0, 5), b = ip(198, 19, 0, 3), c = ip(198, 19, 0, 200);
  // The first result of each host is why it is up; keep those in front.
  std::vector<PortResult> head = {
      result(b, 88, Proto::Tcp, PortState::Open, Reason::SynAck, 128),
      result(a, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64),
      result(c, 1, Proto::Tcp, PortState::Closed, Reason::Reset, 250),
  };
  std::vector<PortResult> rest;
  rest.push_back(result(a, 80, Proto::Tcp, PortState::Open, Reason::SynAck, 64));
  for (uint16_t p = 1; p <= 30; ++p) {
    rest.push_back(result(a, static_cast<uint16_t>(p + 30), Proto::Tcp, PortState::Closed, Reason::Reset, 64));
  }
  for (uint16_t p = 90; p <= 92; ++p) {
    rest.push_back(result(a, p, Proto::Tcp, PortState::Filtered, Reason::AdminProhibited, 60));
  }
  rest.push_back(result(a, 53, Proto::Udp, PortState::Open, Reason::UdpResponse, 64));
  for (uint16_t p : {21, 23, 25, 79, 99}) {
    rest.push_back(result(b, p, Proto::Tcp, PortState::Closed, Reason::Reset, 128));
  }
  rest.push_back(result(b, 53, Proto::Udp, PortState::Closed, Reason::PortUnreach, 128));
  for (uint16_t p = 2; p <= 97; ++p) {
    rest.push_back(result(c, p, Proto::Tcp, PortState::Closed, Reason::Reset, 250));
  }
  for (uint16_t p = 98; p <= 100; ++p) {
    rest.push_back(result(c, p, Proto::Tcp, PortState::Filtered, Reason::HostProhibited, 249));
  }
  rest.push_back(result(c, 53, Proto::Udp, PortState::Closed, Reason::PortUnreach, 250));
  rest.push_back(result(c, 161, Proto::Udp, PortState::Closed, Reason::PortUnreach, 250));
  std::mt19937 rng(7);
  std::shuffle(rest.begin(), rest.end(), rng);

  head.insert(head.end(), rest.begin(), rest.end());
  int64_t t = kStartUs + 1000;
  for (PortResult& r : head) r.time_us = (t += 1500);
  return head;
}

std::vector<PortResult> mixed_results() {
  const IpAddress ten = ip6("2001:db8:1::10"), five = ip6("2001:db8:1::5");
  std::vector<PortResult> v6 = {
      result(ten, 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64),
      result(five, 80, Proto::Tcp, PortState::Open, Reason::SynAck, 57),
      result(ten, 53, Proto::Udp, PortState::Open, Reason::UdpResponse, 64),
  };
  for (uint16_t p = 31; p <= 60; ++p) v6.push_back(result(ten, p, Proto::Tcp, PortState::Closed, Reason::Reset, 64));
  for (uint16_t p = 90; p <= 92; ++p) {
    v6.push_back(result(five, p, Proto::Tcp, PortState::Filtered, Reason::AdminProhibited, 57));
  }
  int64_t t = kStartUs + 500;
  for (PortResult& r : v6) r.time_us = (t += 3);
  std::vector<PortResult> all = sample_results();
  all.insert(all.begin(), v6.begin(), v6.end());
  return all;
}

ScanSummary sample_summary() {
  ScanSummary s;
  s.end_time_us = kStartUs + 3210000;
  s.elapsed_s = 3.21;
  s.hosts_total = 256;
  s.packets_sent = 25856;
  s.packets_received = 247;
  s.bytes_sent = 1137664;
  s.bytes_received = 10868;
  return s;
}

void run_scan(OutputFormat& w, const ScanInfo& info, const std::vector<PortResult>& results,
              const ScanSummary& summary, HostTable* table_out) {
  HostTable local(ReportPolicy::for_scan(info));
  HostTable& table = table_out ? *table_out : local;
  w.begin(info);
  for (const PortResult& r : results) {
    table.add(r);
    w.on_result(r);
  }
  table.add_rtt(ip(198, 19, 0, 5), 120);
  w.end(table, summary);
}

IpAddress ip6(std::string_view text) {
  const std::optional<IpAddress> a = IpAddress::parse(text);
  if (!a || a->is_v4()) throw std::invalid_argument("not an IPv6 address: " + std::string(text));
  return *a;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "portsweep-output-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> result_lines(const std::string& text) {
  std::vector<std::string> out;
  for (std::string& line : lines_of(text))
    if (!line.starts_with("{\"scan\":")) out.push_back(std::move(line));
  return out;
}

}  // namespace portsweep::test
