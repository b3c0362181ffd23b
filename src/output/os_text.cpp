#include "output/os_text.hpp"

#include <cmath>
#include <cstdio>

#include "output/time_text.hpp"
#include "output/xml_escape.hpp"

namespace portsweep {

namespace {

// When the host booted, in whole seconds since the epoch; 0: unknown.
int64_t last_boot_s(const OsReport& os) {
  return os.uptime_seconds ? os.scan_time_s - *os.uptime_seconds : 0;
}

}  // namespace

std::string os_normal_text(const OsReport& os, int verbose, int64_t now_us) {
  std::string s;
  for (const std::string& line : os.summary) s += line + "\n";
  if (!os.fingerprint.empty()) s += "TCP/IP fingerprint:\n" + os.fingerprint + "\n";
  if (os.uptime_seconds && verbose > 0) {
    const int64_t boot = last_boot_s(os);
    char line[128];
    std::snprintf(line, sizeof line, "Uptime guess: %.3f days (since %s)\n",
                  static_cast<double>(now_us / 1000000 - boot) / 86400.0, ctime_text(boot * 1000000).c_str());
    s += line;
  }
  if (os.distance >= 0) s += "Network Distance: " + std::to_string(os.distance) + (os.distance == 1 ? " hop\n" : " hops\n");
  if (verbose > 0 && !os.tcp_seq_difficulty.empty()) {
    s += "TCP Sequence Prediction: Difficulty=" + std::to_string(os.tcp_seq_index) + " (" + os.tcp_seq_difficulty + ")\n";
  }
  if (verbose > 0 && !os.ipid_class.empty()) s += "IP ID Sequence Generation: " + os.ipid_class + "\n";
  return s;
}

std::string os_xml_text(const OsReport& os, int64_t now_us) {
  std::string s = "<os>";
  for (const OsPortUsed& p : os.ports_used) {
    s += "<portused" + xml_attr("state", to_string(p.state)) + xml_attr("proto", to_string(p.proto)) +
         xml_attr("portid", int64_t{p.port}) + "/>\n";
  }
  for (const OsMatchReport& m : os.matches) {
    s += "<osmatch" + xml_attr("name", m.name) + xml_attr("accuracy", int64_t{m.accuracy}) + xml_attr("line", int64_t{m.line}) + ">\n";
    for (const OsClassReport& c : m.classes) {
      s += "<osclass";
      if (!c.type.empty()) s += xml_attr("type", c.type);
      s += xml_attr("vendor", c.vendor) + xml_attr("osfamily", c.family);
      if (!c.generation.empty()) s += xml_attr("osgen", c.generation);
      s += xml_attr("accuracy", int64_t{c.accuracy});
      if (c.cpes.empty()) {
        s += "/>\n";
        continue;
      }
      s += ">";
      for (const std::string& cpe : c.cpes) s += "<cpe>" + xml_escape(cpe) + "</cpe>";
      s += "</osclass>\n";
    }
    s += "</osmatch>\n";
  }
  if (!os.fingerprint.empty()) s += "<osfingerprint" + xml_attr("fingerprint", os.fingerprint) + "/>\n";
  s += "</os>\n";
  if (os.uptime_seconds) {
    const int64_t boot = last_boot_s(os);
    s += "<uptime" + xml_attr("seconds", now_us / 1000000 - boot) + xml_attr("lastboot", ctime_text(boot * 1000000)) + "/>\n";
  }
  if (os.distance >= 0) s += "<distance" + xml_attr("value", int64_t{os.distance}) + "/>\n";
  if (!os.tcp_seq_difficulty.empty()) {
    s += "<tcpsequence" + xml_attr("index", int64_t{os.tcp_seq_index}) + xml_attr("difficulty", os.tcp_seq_difficulty) +
         xml_attr("values", os.tcp_seq_values) + "/>\n";
  }
  if (!os.ipid_class.empty()) {
    s += "<ipidsequence" + xml_attr("class", os.ipid_class) + xml_attr("values", os.ipid_values) + "/>\n";
    // nmap writes the timestamps' element with the IP IDs' (both need three replies).
    s += "<tcptssequence" + xml_attr("class", os.ts_class);
    if (!os.ts_values.empty()) s += xml_attr("values", os.ts_values);
    s += "/>\n";
  }
  return s;
}

std::string os_grepable_fields(const OsReport& os) {
  std::string s;
  // nmap names the OS in grepable output only for exact matches.
  if (!os.matches.empty() && os.matches.front().accuracy == 100) {
    s += "\tOS: ";
    for (size_t i = 0; i < os.matches.size() && os.matches[i].accuracy == 100; ++i) {
      if (i > 0) s += '|';
      s += os.matches[i].name;
    }
  }
  if (!os.tcp_seq_difficulty.empty()) s += "\tSeq Index: " + std::to_string(os.tcp_seq_index);
  if (!os.ipid_class.empty()) s += "\tIP ID Seq: " + os.ipid_class;
  return s;
}

std::string os_hint_text(const OsHint& hint) {
  return (hint.label.empty() ? std::string("no signature matched") : hint.label) + " (p0f: " + hint.signature + ")";
}

std::string os_hint_xml(const OsHint& hint) {
  return "<hostscript><script id=\"os-hint\"" + xml_attr("output", os_hint_text(hint)) + "/></hostscript>\n";
}

}  // namespace portsweep
