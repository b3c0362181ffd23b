#include "output/service_report.hpp"

#include <algorithm>

namespace portsweep {

namespace {

void add_unique(std::vector<std::string>& values, const std::string& v) {
  if (!v.empty() && std::find(values.begin(), values.end(), v) == values.end()) values.push_back(v);
}

// "OS: Linux" or "OSs: Linux, Windows"; nothing when `values` is empty.
void add_field(std::string& out, const char* one, const char* many, const std::vector<std::string>& values) {
  if (values.empty()) return;
  if (!out.empty()) out += "; ";
  out += values.size() == 1 ? one : many;
  out += ": ";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i];
  }
}

}  // namespace

std::string_view to_string(ServiceMethod m) { return m == ServiceMethod::Probed ? "probed" : "table"; }

std::string version_text(const ServiceReport& s) {
  std::string out = s.product;
  auto add = [&out](const std::string& word) {
    if (word.empty()) return;
    if (!out.empty()) out += ' ';
    out += word;
  };
  add(s.version);
  if (!s.extrainfo.empty()) add("(" + s.extrainfo + ")");
  return out;
}

std::string service_column_text(const ServiceReport& s, bool guessed) {
  std::string out = s.ssl_tunnel ? "ssl/" : "";
  out += s.name.empty() ? "unknown" : s.name;
  if (guessed && !s.name.empty()) out += '?';
  return out;
}

std::string service_info_text(const std::vector<PortService>& services) {
  std::vector<std::string> hosts, oses, devices, cpes;
  for (const PortService& p : services) {
    add_unique(hosts, p.service.hostname);
    add_unique(oses, p.service.ostype);
    add_unique(devices, p.service.devicetype);
    // Application CPEs describe the port, not the machine; the summary is
    // about the machine.
    for (const std::string& c : p.service.cpe) {
      if (c.rfind("cpe:/o", 0) == 0 || c.rfind("cpe:/h", 0) == 0) add_unique(cpes, c);
    }
  }
  std::string out;
  add_field(out, "Host", "Hosts", hosts);
  add_field(out, "OS", "OSs", oses);
  add_field(out, "Device", "Devices", devices);
  add_field(out, "CPE", "CPE", cpes);
  return out;
}

}  // namespace portsweep
