// nmap's XML output (-oX), valid against nmap.dtd so existing tools (ndiff,
// report generators, parsers) read it. The DTD fixes nmaprun's scanner
// attribute to "nmap"; the product shows in the leading comment instead.
#include <algorithm>
#include <memory>
#include <string>

#include "output/format_registry.hpp"
#include "ports/port_set.hpp"
#include "output/host_table.hpp"
#include "output/os_text.hpp"
#include "output/output_file.hpp"
#include "output/report_text.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "output/service_report.hpp"
#include "output/time_text.hpp"
#include "output/xml_escape.hpp"

namespace portsweep {

namespace {

// nmap's floor for the <times> timeout, in microseconds.
constexpr uint64_t kMinTimeoutUs = 100000;

class XmlFormat final : public OutputFormat {
 public:
  XmlFormat(const std::string& path, const WriterOptions& options) : out_(path, options.append) {}

  void begin(const ScanInfo& info) override {
    info_ = info;
    const std::string started = ctime_text(info.start_time_us);
    std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n";
    if (!info.xml_stylesheet.empty())
      s += "<?xml-stylesheet href=\"" + xml_escape(info.xml_stylesheet) + "\" type=\"text/xsl\"?>\n";
    s += "<!-- Portsweep " + xml_escape(info.version) + " scan initiated " + started +
         " as: " + xml_escape(info.args) + " -->\n";
    s += "<nmaprun" + xml_attr("scanner", "nmap") + xml_attr("args", info.args) +
         xml_attr("start", epoch_seconds(info.start_time_us)) + xml_attr("startstr", started) +
         xml_attr("version", info.version) + xml_attr("xmloutputversion", "1.05") + ">\n";
    for (const ScanKind& k : info.scans) {
      if (!k.xml_scaninfo) continue;
      s += "<scaninfo" + xml_attr("type", k.type) + xml_attr("protocol", to_string(k.proto)) +
           xml_attr("numservices", k.num_services) + xml_attr("services", k.services) + "/>\n";
    }
    s += "<verbose" + xml_attr("level", info.verbose) + "/>\n";
    s += "<debugging" + xml_attr("level", info.debugging) + "/>\n";
    out_.write(s);
    out_.flush();
  }

  void flush() override { out_.flush(); }

  // nmap's <taskbegin>/<taskend> with -v, written as the stages happen.
  void on_task(const TaskEvent& t) override {
    if (info_.verbose <= 0) return;
    std::string e = std::string(t.end ? "<taskend" : "<taskbegin") + xml_attr("task", t.task) +
                    xml_attr("time", epoch_seconds(t.time_us));
    if (t.end && !t.extrainfo.empty()) e += xml_attr("extrainfo", t.extrainfo);
    out_.write(e + "/>\n");
  }

  // nmap's <hosthint>: a host discovery found up, written as it is found,
  // before the port scan reaches it (a killed scan's XML still names it).
  void on_host_up(const HostUp& h) override {
    if (h.reason == Reason::UserSet || !info_.port_scan) return;
    out_.write("<hosthint><status state=\"up\"" + xml_attr("reason", to_string(h.reason)) +
               xml_attr("reason_ttl", h.ttl) + "/>\n" + address_element(h.ip) +
               "<hostnames>\n</hostnames>\n</hosthint>\n");
  }

  void end(const HostTable& hosts, const ScanSummary& summary) override {
    now_us_ = summary.end_time_us;
    hosts.for_each_report(summary, [&](const HostReport& r) { write_host(r, summary.names(r.ip)); });

    const double elapsed = summary.elapsed_s >= 0
                               ? summary.elapsed_s
                               : (summary.end_time_us - info_.start_time_us) / 1e6;
    const uint64_t total = summary.hosts_total != 0 ? summary.hosts_total : info_.num_targets;
    const uint64_t up = hosts.hosts_up();
    const std::string finished = ctime_text(summary.end_time_us);
    const std::string summary_text = "Portsweep done at " + finished + "; " +
                                     hosts_scanned_text(total, up) + " scanned in " +
                                     seconds_text(elapsed) + " seconds";
    std::string s = "<runstats><finished" + xml_attr("time", epoch_seconds(summary.end_time_us)) +
                    xml_attr("timestr", finished) + xml_attr("summary", summary_text) +
                    xml_attr("elapsed", seconds_text(elapsed));
    if (summary.error.empty()) {
      s += xml_attr("exit", "success");
    } else {
      s += xml_attr("exit", "error") + xml_attr("errormsg", summary.error);
    }
    s += "/><hosts" + xml_attr("up", static_cast<int64_t>(up)) +
         xml_attr("down", static_cast<int64_t>(total > up ? total - up : 0)) +
         xml_attr("total", static_cast<int64_t>(total)) + "/>\n</runstats>\n</nmaprun>\n";
    out_.write(s);
    out_.flush();
  }

 private:
  // <address addr="..." addrtype="ipv4"/>, or "ipv6".
  static std::string address_element(const IpAddress& ip) {
    return "<address" + xml_attr("addr", address_text(ip)) + xml_attr("addrtype", addrtype_text(ip)) + "/>\n";
  }

  // The target's name as typed (type "user"), then reverse DNS's ("PTR").
  static std::string hostnames_element(const HostNames& names) {
    std::string s = "<hostnames>\n";
    if (!names.user.empty()) s += "<hostname" + xml_attr("name", names.user) + " type=\"user\"/>\n";
    if (!names.ptr.empty()) s += "<hostname" + xml_attr("name", names.ptr) + " type=\"PTR\"/>\n";
    return s + "</hostnames>\n";
  }

  void write_host(const HostReport& r, const HostNames& names) {
    if (!r.up && info_.list_scan) {  // -sL's target; nmap writes <hostnames> only when it has names
      out_.write("<host><status state=\"unknown\" reason=\"user-set\" reason_ttl=\"0\"/>\n" +
                 address_element(r.ip) + (names.empty() ? std::string() : hostnames_element(names)) + "</host>\n");
      return;
    }
    if (!r.up) {  // -v's down host: its status and address, as nmap writes it
      out_.write("<host><status state=\"down\" reason=\"no-response\" reason_ttl=\"0\"/>\n" +
                 address_element(r.ip) + hostnames_element(names) + "</host>\n");
      return;
    }
    std::string s = "<host" + xml_attr("starttime", epoch_seconds(r.first_us)) +
                    xml_attr("endtime", epoch_seconds(r.last_us)) + "><status state=\"up\"" +
                    xml_attr("reason", to_string(r.up_reason)) + xml_attr("reason_ttl", r.up_ttl) + "/>\n";
    s += address_element(r.ip);
    if (r.mac) {
      s += "<address" + xml_attr("addr", mac_text(*r.mac)) + " addrtype=\"mac\"";
      const std::string_view vendor = info_.mac_vendor ? info_.mac_vendor(*r.mac) : std::string_view();
      if (!vendor.empty()) s += xml_attr("vendor", vendor);
      s += "/>\n";
    }
    s += hostnames_element(names);
    // A ping scan (-sn) probed no ports: nmap writes no <ports> then.
    if (info_.port_scan) s += ports_element(r);
    // nmap.dtd's order: ports, os (and the sequence elements), hostscript, trace.
    if (r.os) s += os_xml_text(*r.os, now_us_);
    if (r.os_hint) s += os_hint_xml(*r.os_hint);
    if (!r.trace.empty()) {
      const uint16_t port = r.trace.back().tcp_port;
      // An echo request's trace names ICMP; nmap names no protocol for ICMPv6's.
      s += port ? "<trace" + xml_attr("port", port) + " proto=\"tcp\">\n"
                : std::string(r.ip.is_v4() ? "<trace proto=\"icmp\">\n" : "<trace>\n");
      for (const TraceHop& h : r.trace) {
        s += "<hop" + xml_attr("ttl", h.ttl) + xml_attr("ipaddr", address_text(h.ip));
        if (h.rtt_us) {
          char ms[32];
          std::snprintf(ms, sizeof ms, "%.2f", h.rtt_us / 1000.0);
          s += xml_attr("rtt", ms);
        }
        s += "/>\n";
      }
      s += "</trace>\n";
    }
    if (r.rtt) {
      const uint64_t timeout =
          std::max<uint64_t>(kMinTimeoutUs, uint64_t{r.rtt->srtt_us} + 4ull * r.rtt->rttvar_us);
      s += "<times" + xml_attr("srtt", r.rtt->srtt_us) + xml_attr("rttvar", r.rtt->rttvar_us) +
           xml_attr("to", static_cast<int64_t>(timeout)) + "/>\n";
    }
    s += "</host>\n";
    out_.write(s);
  }

  std::string ports_element(const HostReport& r) const {
    std::string s = "<ports>";
    for (const HiddenState& h : r.hidden) {
      s += "<extraports" + xml_attr("state", to_string(h.state)) + xml_attr("count", h.count) + ">\n";
      // nmap 7.9x lists the ports of each reason; ours where all are known.
      for (const ReasonTally& t : h.reasons) {
        s += "<extrareasons" + xml_attr("reason", to_string(t.reason)) + xml_attr("count", t.count) +
             xml_attr("proto", to_string(t.proto));
        if (!t.ports.empty()) s += xml_attr("ports", format_port_ranges(t.ports));
        s += "/>\n";
      }
      s += "</extraports>\n";
    }
    for (const KeptPort& p : r.listed) {
      s += "<port" + xml_attr("protocol", to_string(p.proto)) + xml_attr("portid", p.port) + "><state" +
           xml_attr("state", to_string(p.state)) + xml_attr("reason", to_string(p.reason)) +
           xml_attr("reason_ttl", p.ttl) + "/>";
      if (const ServiceReport* detected = r.service_of(p)) {
        s += service_element(*detected);
      } else {
        std::string_view service;
        if (info_.service_name) service = info_.service_name(p.port, p.proto);
        if (!service.empty()) s += "<service" + xml_attr("name", service) + " method=\"table\" conf=\"3\"/>";
      }
      s += "</port>\n";
    }
    s += "</ports>\n";
    return s;
  }

  // nmap.dtd's <service>: attributes in nmap's order, then one <cpe> each.
  static std::string service_element(const ServiceReport& d) {
    std::string s = "<service" + xml_attr("name", d.name.empty() ? std::string_view("unknown") : d.name);
    auto optional_attr = [&s](std::string_view name, const std::string& value) {
      if (!value.empty()) s += xml_attr(name, value);
    };
    optional_attr("product", d.product);
    optional_attr("version", d.version);
    optional_attr("extrainfo", d.extrainfo);
    optional_attr("hostname", d.hostname);
    optional_attr("ostype", d.ostype);
    optional_attr("devicetype", d.devicetype);
    if (d.ssl_tunnel) s += xml_attr("tunnel", "ssl");
    s += xml_attr("method", to_string(d.method)) + xml_attr("conf", int64_t{d.conf});
    if (d.cpe.empty()) return s + "/>";
    s += ">";
    for (const std::string& c : d.cpe) s += "<cpe>" + xml_escape(c) + "</cpe>";
    return s + "</service>";
  }

  OutputFile out_;
  ScanInfo info_;
  int64_t now_us_ = 0;  // the report's time: uptimes count up to it
};

}  // namespace

namespace {
FormatInfo xml_format_info() {
  return {"xml", 'X', ".xml", true, "nmap's XML format (nmap.dtd)",
          [](const std::string& path, const WriterOptions& options) -> std::unique_ptr<OutputFormat> {
            return std::make_unique<XmlFormat>(path, options);
          }};
}

[[maybe_unused]] const bool registered = (register_format(xml_format_info()), true);

}  // namespace

}  // namespace portsweep
