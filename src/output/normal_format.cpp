// nmap's normal output (-oN, and the terminal). The header goes out at
// begin(); hosts are printed at end(), in address order, because a stateless
// scan learns about a host's ports in random order until the very end.
#include <memory>
#include <optional>
#include <string>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/os_text.hpp"
#include "output/output_file.hpp"
#include "output/port_table.hpp"
#include "output/report_text.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "output/service_report.hpp"
#include "output/skid_text.hpp"
#include "output/time_text.hpp"

namespace portsweep {

namespace {

class NormalFormat final : public OutputFormat {
 public:
  NormalFormat(const std::string& path, const WriterOptions& options)
      : out_(path, options.append), interactive_(options.interactive) {
    if (options.skid) skid_.emplace();
  }

  void begin(const ScanInfo& info) override {
    info_ = info;
    if (interactive_) {
      put("Starting portsweep " + info.version + " at " + short_time_text(info.start_time_us) +
                 "\n");
    } else {
      put("# Portsweep " + info.version + " scan initiated " + ctime_text(info.start_time_us) +
                 " as: " + info.args + "\n");
    }
    out_.flush();
  }

  void flush() override { out_.flush(); }

  // -v on the terminal: nmap's task lines and each open port as it is found
  // (nmap writes neither to -oN).
  void on_task(const TaskEvent& t) override {
    if (!interactive_ || skid_ || info_.verbose <= 0) return;
    if (t.end) {
      std::string line = "Completed " + t.task + " at " + clock_text(t.time_us) + ", " + seconds_text(t.elapsed_s) +
                         "s elapsed";
      if (!t.extrainfo.empty()) line += " (" + t.extrainfo + ")";
      put(line + "\n");
    } else {
      put("Initiating " + t.task + " at " + clock_text(t.time_us) + "\n");
      if (!t.scanning.empty()) {
        put(t.scanning + "\n");
      } else if (t.only_host) {
        put("Scanning " + address_text(*t.only_host) + " [" + std::to_string(t.ports_per_host) +
                   (t.ports_per_host == 1 ? " port]\n" : " ports]\n"));
      } else if (t.hosts != 0) {
        put("Scanning " + std::to_string(t.hosts) + (t.hosts == 1 ? " host [" : " hosts [") +
                   std::to_string(t.ports_per_host) + (t.ports_per_host == 1 ? " port/host]\n" : " ports/host]\n"));
      }
    }
    out_.flush();
  }

  // Errors and warnings: the terminal had them on standard error; -oN keeps
  // them where they came, as nmap's does (what --log-errors once asked).
  void on_message(std::string_view line) override {
    if (interactive_) return;
    put(std::string(line) + "\n");
  }

  void on_result(const PortResult& r) override {
    if (!interactive_ || skid_ || info_.verbose <= 0 || r.state != PortState::Open) return;
    put("Discovered open port " + std::to_string(r.port) + "/" + std::string(to_string(r.proto)) + " on " +
               address_text(r.ip) + "\n");
  }

  void end(const HostTable& hosts, const ScanSummary& summary) override {
    now_us_ = summary.end_time_us;
    hosts.for_each_report(summary, [&](const HostReport& r) { write_host(r, summary.names(r.ip)); });

    const int64_t end_us = summary.end_time_us;
    const double elapsed =
        summary.elapsed_s >= 0 ? summary.elapsed_s : (end_us - info_.start_time_us) / 1e6;
    const uint64_t total = summary.hosts_total != 0 ? summary.hosts_total : info_.num_targets;
    const std::string counts = hosts_scanned_text(total, hosts.hosts_up()) + " scanned in " +
                               seconds_text(elapsed) + " seconds";
    const char* comment = interactive_ ? "" : "# ";
    if (!summary.error.empty()) {
      put(std::string(comment) + "Scan stopped early (" + summary.error +
                 "): the results are incomplete.\n");
    }
    if (info_.verbose > 0 && !info_.data_dir.empty()) put("Read data files from: " + info_.data_dir + "\n");
    if (info_.os_scan && info_.version_scan) {
      put("OS and Service detection performed.\n");
    } else if (info_.os_scan) {
      put("OS detection performed.\n");
    } else if (info_.version_scan) {
      put("Service detection performed.\n");
    }
    if (interactive_) {
      put("Portsweep done: " + counts + "\n");
      if (info_.verbose > 0) {
        put("           Raw packets sent: " + std::to_string(summary.packets_sent) + " (" +
                   byte_count_text(summary.bytes_sent) + ") | Rcvd: " +
                   std::to_string(summary.packets_received) + " (" +
                   byte_count_text(summary.bytes_received) + ")\n");
      }
    } else {
      put("# Portsweep done at " + ctime_text(end_us) + " -- " + counts + "\n");
    }
    out_.flush();
  }

 private:
  std::string service_of(const KeptPort& p, const ServiceReport* detected) const {
    // A port version detection probed without confirming a name keeps the
    // table's guess, marked with nmap's "?".
    if (detected != nullptr) return service_column_text(*detected, detected->method == ServiceMethod::Table);
    std::string_view name;
    if (info_.service_name) name = info_.service_name(p.port, p.proto);
    return name.empty() ? std::string("unknown") : std::string(name);
  }

  // An on-link host's "MAC Address: 02:50:53:01:00:0A (Vendor)" line.
  std::string mac_line(const HostReport& r) const {
    if (!r.mac) return {};
    const std::string_view vendor = info_.mac_vendor ? info_.mac_vendor(*r.mac) : std::string_view();
    return "MAC Address: " + mac_text(*r.mac) + " (" + (vendor.empty() ? std::string("Unknown") : std::string(vendor)) +
           ")\n";
  }

  // nmap's TRACEROUTE table: a TTL nobody answered is "...". An echo
  // request's trace names ICMP's protocol number, or ICMPv6's to an IPv6 host.
  static std::string trace_text(const IpAddress& host, const std::vector<TraceHop>& hops) {
    const uint16_t port = hops.back().tcp_port;
    const std::string using_what = port ? "port " + std::to_string(port) + "/tcp"
                                   : host.is_v4() ? std::string("proto 1/icmp")
                                                  : std::string("proto 58/ipv6-icmp");
    std::string s = "\nTRACEROUTE (using " + using_what + ")\nHOP RTT      ADDRESS\n";
    unsigned next = 1;
    char line[112];
    for (const TraceHop& h : hops) {
      for (; next < h.ttl; ++next) {
        std::snprintf(line, sizeof line, "%-3u ...\n", next);
        s += line;
      }
      char rtt[32] = "--";
      if (h.rtt_us) std::snprintf(rtt, sizeof rtt, "%.2f ms", h.rtt_us / 1000.0);
      std::snprintf(line, sizeof line, "%-3u %-8s %s\n", static_cast<unsigned>(h.ttl), rtt, address_text(h.ip).c_str());
      s += line;
      next = h.ttl + 1u;
    }
    return s;
  }

  // What nmap adds under "Host is up" for a host given by name: the name's
  // other addresses, and the PTR name when it is not the name typed. Built
  // with append(): GCC 12 misreads chains of "+" here (-Wrestrict).
  static std::string name_lines(const std::string& ip, const HostNames& names) {
    std::string s;
    if (names.user.empty()) return s;
    if (!names.user_others.empty()) {
      s += "Other addresses for " + names.user + " (not scanned):";
      for (const IpAddress& other : names.user_others) s.append(" ").append(address_text(other));
      s += "\n";
    }
    if (!names.ptr.empty() && names.ptr != names.user)
      s.append("rDNS record for ").append(ip).append(": ").append(names.ptr).append("\n");
    return s;
  }

  void write_host(const HostReport& r, const HostNames& names) {
    const std::string ip = address_text(r.ip);
    std::string title = ip;
    if (!names.shown().empty()) {
      title = names.shown();
      title.append(" (").append(ip).append(")");
    }
    if (!r.up && info_.list_scan) {  // -sL's target: its name, nothing asked
      put("Nmap scan report for " + title + "\n" + name_lines(ip, names));
      return;
    }
    if (!r.up) {  // -v's down host: one line, as nmap writes it
      put("Nmap scan report for " + title + (info_.reason ? " [host down, received no-response]\n" : " [host down]\n"));
      return;
    }
    std::string s = "Nmap scan report for " + title + "\nHost is up";
    if (info_.reason) s += ", received " + reason_text(r.up_reason, r.up_ttl);
    if (r.rtt) s += " (" + latency_text(r.rtt->srtt_us) + " latency)";
    s += ".\n" + name_lines(ip, names);
    if (info_.verbose > 1) {  // -vv: when the host's answers came, as XML's starttime and endtime
      s += "Scanned at " + seconds_time_text(r.first_us) + " for " +
           std::to_string(epoch_seconds(r.last_us) - epoch_seconds(r.first_us)) + "s\n";
    }
    // A ping scan (-sn) probed no ports: the host's status is all there is.
    if (!info_.port_scan) {
      put(s + mac_line(r) + (r.trace.empty() ? std::string() : trace_text(r.ip, r.trace)) + "\n");
      return;
    }
    if (r.listed.empty()) {
      s += "All " + std::to_string(r.ports_scanned) + " scanned ports on " + ip +
           " are in ignored states.\n";
    }
    if (!r.hidden.empty()) {
      s += "Not shown: ";
      bool first = true;
      for (const HiddenState& h : r.hidden) {
        for (const ReasonTally& t : h.reasons) {
          if (!first) s += ", ";
          first = false;
          // nmap says "ports" even for one; -sO's are "n/a protocols".
          s += std::to_string(t.count) + " " + std::string(to_string(h.state)) + " " +
               (t.proto == Proto::Ip ? std::string("n/a protocols") : std::string(to_string(t.proto)) + " ports") +
               " (" + std::string(to_string(t.reason)) + ")";
        }
      }
      s += "\n";
    } else if (!r.listed.empty()) {
      s += "\n";
    }
    if (!r.listed.empty()) {
      PortTable table;
      const bool protocols = r.listed.front().proto == Proto::Ip;
      std::vector<std::string> header = {protocols ? "PROTOCOL" : "PORT", "STATE", "SERVICE"};
      if (info_.reason) header.push_back("REASON");
      if (info_.version_scan) header.push_back("VERSION");
      table.add_row(std::move(header));
      for (const KeptPort& p : r.listed) {
        const ServiceReport* detected = r.service_of(p);
        std::vector<std::string> row = {p.proto == Proto::Ip ? std::to_string(p.port)
                                                             : std::to_string(p.port) + "/" + std::string(to_string(p.proto)),
                                        std::string(to_string(p.state)), service_of(p, detected)};
        if (info_.reason) row.push_back(reason_text(p.reason, p.ttl));
        // An empty last cell is left out so the line has no trailing blanks.
        if (detected != nullptr) {
          std::string version = version_text(*detected);
          if (!version.empty()) row.push_back(std::move(version));
        }
        table.add_row(std::move(row));
      }
      s += table.render();
    }
    // nmap's order under the table: MAC, OS, then the services' OS hints.
    s += mac_line(r);
    if (r.os) s += os_normal_text(*r.os, info_.verbose, now_us_);
    if (r.os_hint) s += "OS hint: " + os_hint_text(*r.os_hint) + "\n";
    if (!r.listed.empty()) {
      const std::string service_info = service_info_text(r.services);
      if (!service_info.empty()) s += "Service Info: " + service_info + "\n";
    }
    if (!r.trace.empty()) s += trace_text(r.ip, r.trace);
    s += "\n";
    put(s);
  }

  // Every line goes out through here: -oS scrambles it first.
  void put(std::string_view text) {
    if (skid_) {
      out_.write((*skid_)(text));
    } else {
      out_.write(text);
    }
  }

  OutputFile out_;
  bool interactive_;
  std::optional<SkidText> skid_;
  ScanInfo info_;
  int64_t now_us_ = 0;  // the report's time: uptimes count up to it
};

}  // namespace

namespace {
FormatInfo normal_format_info() {
  return {"normal", 'N', ".nmap", true, "nmap's human-readable report",
          [](const std::string& path, const WriterOptions& options) -> std::unique_ptr<OutputFormat> {
            return std::make_unique<NormalFormat>(path, options);
          }};
}

// nmap's -oS: the terminal's report, scrambled (output/skid_text.hpp).
FormatInfo skid_format_info() {
  return {"skid", 'S', ".skid", false, "nmap's script kiddie output: the terminal's report in l33t",
          [](const std::string& path, const WriterOptions& options) -> std::unique_ptr<OutputFormat> {
            WriterOptions skid = options;
            skid.interactive = true;
            skid.skid = true;
            return std::make_unique<NormalFormat>(path, skid);
          }};
}

[[maybe_unused]] const bool registered = (register_format(normal_format_info()), true);
[[maybe_unused]] const bool skid_registered = (register_format(skid_format_info()), true);

}  // namespace

}  // namespace portsweep
