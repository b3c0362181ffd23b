#pragma once
// What version detection (-sV) learned about one port, in the terms every
// output format prints: nmap's <service> element. The detection stage makes
// these; the host table keeps them beside the open ports they describe.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"

namespace portsweep {

// How the service name was found: "table" is the nmap-services guess for the
// port number, "probed" means a response matched the fingerprint database.
enum class ServiceMethod : uint8_t { Table, Probed };

std::string_view to_string(ServiceMethod m);

// nmap's confidence in the name: 10 for a probed match, 3 for a table guess.
inline constexpr uint8_t kConfProbed = 10;
inline constexpr uint8_t kConfTcpWrapped = 8;
inline constexpr uint8_t kConfTable = 3;

struct ServiceReport {
  std::string name;         // "http"; empty when neither probing nor the table knows
  std::string product;      // "nginx"
  std::string version;      // "1.22.1"
  std::string extrainfo;    // "protocol 2.0"
  std::string hostname;     // from the service's own banner
  std::string ostype;       // "Linux"
  std::string devicetype;   // "router"
  std::vector<std::string> cpe;  // "cpe:/a:igor_sysoev:nginx:1.22.1", in match order
  bool ssl_tunnel = false;  // found inside TLS: "ssl/http", XML tunnel="ssl"
  ServiceMethod method = ServiceMethod::Table;
  uint8_t conf = kConfTable;

  bool operator==(const ServiceReport&) const = default;
};

// A service report of one port: what the host table keeps per host.
struct PortService {
  uint16_t port = 0;
  Proto proto = Proto::Tcp;
  ServiceReport service;
};

// One port's service as the detection stage delivers it to the outputs.
struct ServiceResult {
  IpAddress ip;            // either family
  uint16_t port = 0;
  Proto proto = Proto::Tcp;
  int64_t time_us = 0;     // when detection finished, microseconds since the epoch
  ServiceReport service;
};

// The VERSION column of normal output and the version field of grepable
// output: product, version and "(extrainfo)", space-separated, blanks skipped.
std::string version_text(const ServiceReport& s);

// The SERVICE column: "ssl/http", "unknown" for a nameless port; `guessed`
// appends nmap's "?" for a name that probing did not confirm.
std::string service_column_text(const ServiceReport& s, bool guessed);

// nmap's per-host "Service Info:" summary of what the services say about the
// machine: "Host: mail; OS: Linux; CPE: cpe:/o:linux:linux_kernel". Each value
// once, in port order; only OS and hardware CPEs. Empty when there is nothing.
std::string service_info_text(const std::vector<PortService>& services);

}  // namespace portsweep
