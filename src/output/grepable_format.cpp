// nmap's grepable output (-oG): one "Status" and one "Ports" line per host,
// tab-separated fields, '#' comment lines around them.
#include <algorithm>
#include <memory>
#include <string>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/os_text.hpp"
#include "output/output_file.hpp"
#include "output/report_text.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "output/service_report.hpp"
#include "output/time_text.hpp"

namespace portsweep {

namespace {

class GrepableFormat final : public OutputFormat {
 public:
  GrepableFormat(const std::string& path, const WriterOptions& options) : out_(path, options.append) {}

  void begin(const ScanInfo& info) override {
    info_ = info;
    std::string s = "# Portsweep " + info.version + " scan initiated " +
                    ctime_text(info.start_time_us) + " as: " + info.args + "\n";
    if (info.verbose > 0) s += "# Ports scanned: " + ports_scanned_field() + "\n";
    out_.write(s);
    out_.flush();
  }

  void flush() override { out_.flush(); }

  void end(const HostTable& hosts, const ScanSummary& summary) override {
    hosts.for_each_report(summary, [&](const HostReport& r) { write_host(r, summary.names(r.ip)); });
    const double elapsed = summary.elapsed_s >= 0
                               ? summary.elapsed_s
                               : (summary.end_time_us - info_.start_time_us) / 1e6;
    const uint64_t total = summary.hosts_total != 0 ? summary.hosts_total : info_.num_targets;
    if (!summary.error.empty()) {
      out_.write("# Scan stopped early (" + summary.error + "): the results are incomplete.\n");
    }
    out_.write("# Portsweep done at " + ctime_text(summary.end_time_us) + " -- " +
               hosts_scanned_text(total, hosts.hosts_up()) + " scanned in " +
               seconds_text(elapsed) + " seconds\n");
    out_.flush();
  }

 private:
  // "TCP(3;22,80,8080) UDP(0;) SCTP(0;) PROTOCOLS(0;)"
  std::string ports_scanned_field() const {
    static constexpr struct {
      Proto proto;
      const char* label;
    } kOrder[] = {{Proto::Tcp, "TCP"}, {Proto::Udp, "UDP"}, {Proto::Sctp, "SCTP"}, {Proto::Ip, "PROTOCOLS"}};
    std::string s;
    for (const auto& o : kOrder) {
      const ScanKind* kind = nullptr;
      for (const ScanKind& k : info_.scans) {
        if (k.proto == o.proto) {
          kind = &k;
          break;
        }
      }
      if (!s.empty()) s += ' ';
      s += std::string(o.label) + "(" + std::to_string(kind ? kind->num_services : 0) + ";" +
           (kind ? kind->services : std::string()) + ")";
    }
    return s;
  }

  void write_host(const HostReport& r, const HostNames& names) {
    // nmap's grepable line names a host by its PTR only, never the target's name.
    const std::string prefix = "Host: " + address_text(r.ip) + " (" + names.ptr + ")\t";
    if (!r.up && info_.list_scan) {  // -sL's target
      out_.write(prefix + "Status: Unknown\n");
      return;
    }
    if (!r.up) {  // -v's down host
      out_.write(prefix + "Status: Down\n");
      return;
    }
    std::string s = prefix + "Status: Up\n";
    if (!info_.port_scan) {  // a ping scan (-sn): no Ports line
      out_.write(s);
      return;
    }
    s += prefix + "Ports: ";
    bool first = true;
    for (const KeptPort& p : r.listed) {
      std::string service;
      std::string version;
      if (const ServiceReport* detected = r.service_of(p)) {
        // '/' separates the fields, so nmap writes a tunnel as "ssl|http".
        service = (detected->ssl_tunnel ? "ssl|" : "") + detected->name;
        version = version_text(*detected);
        std::replace(version.begin(), version.end(), '/', '|');
      } else if (info_.service_name) {
        service = info_.service_name(p.port, p.proto);
      }
      if (!first) s += ", ";
      first = false;
      // port/state/protocol/owner/service/rpc info/version/
      s += std::to_string(p.port) + "/" + std::string(to_string(p.state)) + "/" +
           std::string(to_string(p.proto)) + "//" + service + "//" + version + "/";
    }
    // nmap names the ignored state only when there is exactly one.
    if (r.hidden.size() == 1) {
      s += "\tIgnored State: " + std::string(to_string(r.hidden[0].state)) + " (" +
           std::to_string(r.hidden[0].count) + ")";
    }
    if (r.os) s += os_grepable_fields(*r.os);
    s += "\n";
    out_.write(s);
  }

  OutputFile out_;
  ScanInfo info_;
};

}  // namespace

namespace {
FormatInfo grepable_format_info() {
  return {"grepable", 'G', ".gnmap", true, "nmap's one-line-per-host grepable format",
          [](const std::string& path, const WriterOptions& options) -> std::unique_ptr<OutputFormat> {
            return std::make_unique<GrepableFormat>(path, options);
          }};
}

[[maybe_unused]] const bool registered = (register_format(grepable_format_info()), true);

}  // namespace

}  // namespace portsweep
