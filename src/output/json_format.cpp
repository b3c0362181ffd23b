// JSON lines (-oJ): one object per result, written as results arrive rather
// than at the end, so a scan that is killed keeps what it found. Lines are
// handed to the OS in batches - every kBatchLines results or at each flush()
// the engine calls about every 100 ms - to keep a fast scan off the syscall
// path.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/output_file.hpp"
#include "output/report_text.hpp"
#include "output/scan_info.hpp"
#include "output/scan_summary.hpp"
#include "output/service_report.hpp"
#include "output/time_text.hpp"

namespace portsweep {

namespace {

constexpr std::size_t kBatchLines = 256;

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

class JsonFormat final : public OutputFormat {
 public:
  JsonFormat(const std::string& path, const WriterOptions& options) : out_(path, options.append) {}

  ~JsonFormat() override { out_.write(pending_); }

  // The scan's own record comes first: what was run, and for a shard which
  // scan it is a part of (`portsweep merge` checks the shards against it).
  void begin(const ScanInfo& info) override {
    info_ = info;
    out_.start();
    std::string& s = pending_;
    s += "{\"scan\":\"start\",\"scanner\":\"portsweep\",\"version\":";
    append_json_string(s, info.version);
    s += ",\"args\":";
    append_json_string(s, info.args);
    s += ",\"start\":\"" + iso_utc_text(info.start_time_us) + "\",\"targets\":" + std::to_string(info.num_targets);
    if (!info.shard.empty()) {
      s += ",\"shard\":";
      append_json_string(s, info.shard);
    }
    if (info.seed) s += ",\"seed\":" + std::to_string(*info.seed);
    s += ",\"port_scan\":" + std::string(info.port_scan ? "true" : "false") +
         ",\"version_scan\":" + std::string(info.version_scan ? "true" : "false") +
         ",\"os_scan\":" + std::string(info.os_scan ? "true" : "false") + ",\"scans\":[";
    for (std::size_t i = 0; i < info.scans.size(); ++i) {
      const ScanKind& k = info.scans[i];
      if (i > 0) s += ',';
      s += "{\"type\":";
      append_json_string(s, k.type);
      s += ",\"proto\":\"" + std::string(to_string(k.proto)) + "\",\"services\":";
      append_json_string(s, k.services);
      s += ",\"count\":" + std::to_string(k.num_services) + ",\"unanswered\":\"" +
           std::string(to_string(k.unanswered_state())) + "\",\"unanswered_reason\":\"" +
           std::string(to_string(k.no_response_reason)) + "\"}";
    }
    // Written with the first batch, not now: a destination that cannot be
    // written (a full disk) then stops the scan as any write would, with a
    // resume file and the other outputs closed.
    s += "]}\n";
    ++pending_lines_;
  }

  void on_result(const PortResult& r) override {
    if (info_.open_only && !may_be_open(r.state)) return;
    std::string& s = pending_;
    s += "{\"ip\":\"" + address_text(r.ip) + "\",\"proto\":\"" + std::string(to_string(r.proto)) +
         "\",\"port\":" + std::to_string(r.port) + ",\"state\":\"" + std::string(to_string(r.state)) +
         "\",\"reason\":\"" + std::string(to_string(r.reason)) + "\",\"ttl\":" + std::to_string(r.ttl) +
         ",\"time\":\"" + iso_utc_text(r.time_us) + "\"";
    if (info_.service_name) {
      const std::string_view name = info_.service_name(r.port, r.proto);
      if (!name.empty()) {
        s += ",\"service\":";
        append_json_string(s, name);
      }
    }
    s += "}\n";
    if (++pending_lines_ >= kBatchLines) flush();
  }

  // A host found up by discovery: one record with its status, before its
  // ports' records. -Pn's hosts (taken to be up, nothing asked) get none.
  void on_host_up(const HostUp& h) override {
    if (h.reason == Reason::UserSet) return;
    std::string& s = pending_;
    s += "{\"ip\":\"" + address_text(h.ip) + "\",\"status\":\"up\",\"reason\":\"" + std::string(to_string(h.reason)) +
         "\",\"ttl\":" + std::to_string(h.ttl) + ",\"time\":\"" + iso_utc_text(h.time_us) + "\"";
    if (h.rtt_us != 0) s += ",\"rtt_us\":" + std::to_string(h.rtt_us);
    if (h.has_mac) s += ",\"mac\":\"" + mac_text(h.mac) + "\"";
    s += "}\n";
    if (++pending_lines_ >= kBatchLines) flush();
  }

  // --traceroute's route to a host: one record, its hops by TTL.
  void on_trace(const IpAddress& ip, const std::vector<TraceHop>& hops) override {
    std::string& s = pending_;
    s += "{\"ip\":\"" + address_text(ip) + "\",\"trace\":[";
    for (size_t i = 0; i < hops.size(); ++i) {
      if (i) s += ',';
      s += "{\"ttl\":" + std::to_string(hops[i].ttl) + ",\"ip\":\"" + address_text(hops[i].ip) + "\"";
      if (hops[i].rtt_us) s += ",\"rtt_us\":" + std::to_string(hops[i].rtt_us);
      s += "}";
    }
    s += "]}\n";
    if (++pending_lines_ >= kBatchLines) flush();
  }

  // -O's findings on a host: one record, the XML's content as keys.
  void on_os(const OsReport& os) override {
    std::string& s = pending_;
    s += "{\"ip\":\"" + address_text(os.ip) + "\",\"os\":{\"matches\":[";
    for (size_t i = 0; i < os.matches.size(); ++i) {
      const OsMatchReport& m = os.matches[i];
      if (i > 0) s += ',';
      s += "{\"name\":";
      append_json_string(s, m.name);
      s += ",\"accuracy\":" + std::to_string(m.accuracy) + ",\"line\":" + std::to_string(m.line) + ",\"classes\":[";
      for (size_t j = 0; j < m.classes.size(); ++j) {
        const OsClassReport& c = m.classes[j];
        if (j > 0) s += ',';
        s += "{\"type\":";
        append_json_string(s, c.type);
        s += ",\"vendor\":";
        append_json_string(s, c.vendor);
        s += ",\"family\":";
        append_json_string(s, c.family);
        s += ",\"generation\":";
        append_json_string(s, c.generation);
        s += ",\"accuracy\":" + std::to_string(c.accuracy) + ",\"cpe\":[";
        for (size_t k = 0; k < c.cpes.size(); ++k) {
          if (k > 0) s += ',';
          append_json_string(s, c.cpes[k]);
        }
        s += "]}";
      }
      s += "]}";
    }
    s += "],\"ports_used\":[";
    for (size_t i = 0; i < os.ports_used.size(); ++i) {
      if (i > 0) s += ',';
      s += "{\"proto\":\"" + std::string(to_string(os.ports_used[i].proto)) + "\",\"port\":" +
           std::to_string(os.ports_used[i].port) + ",\"state\":\"" + std::string(to_string(os.ports_used[i].state)) + "\"}";
    }
    s += "]";
    if (!os.fingerprint.empty()) {
      s += ",\"fingerprint\":";
      append_json_string(s, os.fingerprint);
    }
    s += ",\"summary\":[";
    for (size_t i = 0; i < os.summary.size(); ++i) {
      if (i > 0) s += ',';
      append_json_string(s, os.summary[i]);
    }
    s += "],\"time\":\"" + iso_utc_text(os.scan_time_s * 1000000) + "\"";
    if (os.distance >= 0) s += ",\"distance\":" + std::to_string(os.distance);
    if (os.uptime_seconds) s += ",\"uptime_s\":" + std::to_string(*os.uptime_seconds);
    // {"difficulty"|"class":..,"values":..} and, for the TCP sequence, its index.
    auto sequence = [&s](const char* key, const char* kind, const std::string& what, const std::string& values) {
      s += ",\"";
      s += key;
      s += "\":{\"";
      s += kind;
      s += "\":";
      append_json_string(s, what);
      s += ",\"values\":";
      append_json_string(s, values);
    };
    if (!os.tcp_seq_difficulty.empty()) {
      sequence("tcp_sequence", "difficulty", os.tcp_seq_difficulty, os.tcp_seq_values);
      s += ",\"index\":" + std::to_string(os.tcp_seq_index) + "}";
    }
    if (!os.ipid_class.empty()) {
      sequence("ipid_sequence", "class", os.ipid_class, os.ipid_values);
      s += "}";
      sequence("ts_sequence", "class", os.ts_class, os.ts_values);
      s += "}";
    }
    s += "}}\n";
    if (++pending_lines_ >= kBatchLines) flush();
  }

  // The passive hint: {"ip":...,"os_hint":{"label":...,"signature":...}}; an
  // empty label when no signature matched.
  void on_os_hint(const OsHint& hint) override {
    std::string& s = pending_;
    s += "{\"ip\":\"" + address_text(hint.ip) + "\",\"os_hint\":{\"label\":";
    append_json_string(s, hint.label);
    s += ",\"signature\":";
    append_json_string(s, hint.signature);
    s += "}}\n";
    if (++pending_lines_ >= kBatchLines) flush();
  }

  // One record per detected service, written when detection finishes with
  // the port: the port-state keys again, then nmap's <service> fields. The
  // "method" key tells it from the port's earlier state record.
  void on_service(const ServiceResult& r) override {
    std::string& s = pending_;
    s += "{\"ip\":\"" + address_text(r.ip) + "\",\"proto\":\"" + std::string(to_string(r.proto)) +
         "\",\"port\":" + std::to_string(r.port) + ",\"state\":\"open\"";
    const ServiceReport& d = r.service;
    auto field = [&s](const char* key, const std::string& value) {
      if (value.empty()) return;
      s += ",\"";
      s += key;
      s += "\":";
      append_json_string(s, value);
    };
    field("service", d.name);
    field("product", d.product);
    field("version", d.version);
    field("extrainfo", d.extrainfo);
    field("hostname", d.hostname);
    field("ostype", d.ostype);
    field("devicetype", d.devicetype);
    if (d.ssl_tunnel) s += ",\"tunnel\":\"ssl\"";
    s += ",\"method\":\"" + std::string(to_string(d.method)) + "\",\"conf\":" + std::to_string(d.conf);
    if (!d.cpe.empty()) {
      s += ",\"cpe\":[";
      for (std::size_t i = 0; i < d.cpe.size(); ++i) {
        if (i > 0) s += ',';
        append_json_string(s, d.cpe[i]);
      }
      s += ']';
    }
    s += ",\"time\":\"" + iso_utc_text(r.time_us) + "\"}\n";
    if (++pending_lines_ >= kBatchLines) flush();
  }

  void flush() override {
    out_.write(pending_);
    pending_.clear();
    pending_lines_ = 0;
    out_.flush();
  }

  // Every result is already written; the scan's closing record says whether
  // it ran to its end. A file without one was cut short by a kill.
  void end(const HostTable& hosts, const ScanSummary& summary) override {
    // A list scan's targets: one record each, in address order.
    const bool list = info_.list_scan && summary.each_target;
    if (list) {
      summary.each_target([&](const IpAddress& ip) {
        pending_ += "{\"ip\":\"" + address_text(ip) + "\",\"status\":\"unknown\"}\n";
        if (++pending_lines_ >= kBatchLines) flush();
      });
    }
    // Names are known only once the lookups started during the scan are
    // over, so they come last: one record per named host, before the end.
    if (summary.names_of) {
      const auto named = [&](const IpAddress& ip) {
        const HostNames names = summary.names(ip);
        if (names.empty()) return;
        std::string& s = pending_;
        s += "{\"ip\":\"" + address_text(ip) + "\",\"hostnames\":[";
        const auto entry = [&s](const std::string& name, const char* type, bool first) {
          if (!first) s += ',';
          s += "{\"name\":";
          append_json_string(s, name);
          s += ",\"type\":\"";
          s += type;
          s += "\"}";
        };
        if (!names.user.empty()) entry(names.user, "user", true);
        if (!names.ptr.empty()) entry(names.ptr, "PTR", names.user.empty());
        s += "]}\n";
        if (++pending_lines_ >= kBatchLines) flush();
      };
      if (list) {
        summary.each_target(named);
      } else {
        for (const IpAddress& ip : hosts.sorted_addresses()) named(ip);
      }
    }
    std::string& s = pending_;
    const double elapsed =
        summary.elapsed_s >= 0 ? summary.elapsed_s : static_cast<double>(summary.end_time_us - info_.start_time_us) / 1e6;
    char secs[32];
    std::snprintf(secs, sizeof secs, "%.3f", std::max(0.0, elapsed));
    s += "{\"scan\":\"end\",\"time\":\"" + iso_utc_text(summary.end_time_us) + "\",\"elapsed\":" + secs +
         ",\"status\":\"" + std::string(summary.error.empty() ? "complete" : "stopped") + "\"";
    if (!summary.error.empty()) {
      s += ",\"error\":";
      append_json_string(s, summary.error);
    }
    s += ",\"hosts_up\":" + std::to_string(hosts.hosts_up()) + ",\"targets\":" +
         std::to_string(summary.hosts_total != 0 ? summary.hosts_total : info_.num_targets) +
         ",\"packets_sent\":" + std::to_string(summary.packets_sent) +
         ",\"packets_received\":" + std::to_string(summary.packets_received) + "}\n";
    flush();
  }

 private:
  OutputFile out_;
  ScanInfo info_;
  std::string pending_;
  std::size_t pending_lines_ = 0;
};

}  // namespace

namespace {
FormatInfo json_format_info() {
  return {"json", 'J', ".jsonl", false, "one JSON object per result, written as found",
          [](const std::string& path, const WriterOptions& options) -> std::unique_ptr<OutputFormat> {
            return std::make_unique<JsonFormat>(path, options);
          }};
}

[[maybe_unused]] const bool registered = (register_format(json_format_info()), true);

}  // namespace

}  // namespace portsweep
