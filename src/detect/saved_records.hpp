#pragma once
// Saved results read as a stream of records, for a reader that must not hold
// a whole file (`portsweep merge` of shards, each of millions of results):
// the JSON lines and XML parsers hand every record to a SavedRecordSink as
// they meet it. read_saved_scan() is one such sink, which keeps the records.
#include <array>
#include <cstdint>
#include <string_view>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "detect/saved_scan.hpp"
#include "output/host_report.hpp"
#include "output/os_report.hpp"
#include "output/service_report.hpp"
#include "portsweep/ip_address.hpp"

namespace portsweep {

// What a file says of its scan before its results: -oJ's start record, or
// XML's <nmaprun> and <scaninfo>s. Files of older portsweeps (JSON lines
// without a start record) say only what `known` leaves unset.
struct SavedHeader {
  bool known = false;           // the file has a start record (JSON) or <nmaprun> (XML)
  bool json = false;            // read as JSON lines; else XML
  std::string args;             // the command line that wrote it
  int64_t start_time_us = 0;
  std::vector<ScanKind> scans;  // empty: the file does not say
  uint64_t num_targets = 0;     // 0: the file does not say
  std::string shard;            // "I/N"; empty for the whole scan
  std::optional<uint64_t> seed;
  bool port_scan = true;
  bool version_scan = false;
  bool os_scan = false;
};

// How the scan that wrote a file ended: -oJ's end record, XML's <runstats>
// (which portsweep and nmap write only as the scan ends).
// A file without one was cut short (the scan was killed, or is still running).
struct SavedEnding {
  int64_t end_time_us = 0;
  double elapsed_s = -1;
  std::string error;  // why it stopped early; empty when it ran to its end
  uint64_t hosts_total = 0;
  uint64_t packets_sent = 0;
  uint64_t packets_received = 0;
};

// Every call does nothing by default: a plain SavedRecordSink only checks
// that a file reads.
class SavedRecordSink {
 public:
  virtual ~SavedRecordSink() = default;
  // Once, before any other record (with known = false for a file that has
  // no header).
  virtual void on_header(const SavedHeader& header) { (void)header; }
  virtual void on_host_up(const HostUp& h) { (void)h; }
  // XML: every <host> with an IPv4 or IPv6 address, up or down, at its end.
  virtual void on_host_seen(IpAddress ip) { (void)ip; }
  virtual void on_result(const PortResult& r) { (void)r; }
  virtual void on_run(const PortRun& run) { (void)run; }
  virtual void on_service(const ServiceResult& s) { (void)s; }
  virtual void on_trace(IpAddress ip, std::vector<TraceHop> hops) {
    (void)ip;
    (void)hops;
  }
  // -O's findings on a host, and the passive OS hint (JSON lines only).
  virtual void on_os(OsReport os) { (void)os; }
  virtual void on_os_hint(OsHint hint) { (void)hint; }
  virtual void on_ending(const SavedEnding& ending) { (void)ending; }
  // Checked after every record: false stops the reader there (a caller that
  // wanted only the header).
  virtual bool wants_more() const { return true; }
};

// "02:00:5e:00:00:01" -> its six bytes (as the outputs write MACs); false
// for anything else.
bool parse_mac_text(std::string_view s, std::array<uint8_t, 6>& out);
// The words of a command line as the outputs record it (joined by single
// spaces; a word with a space in it cannot be told apart).
std::vector<std::string_view> args_words(std::string_view args);
// What a command line says of its scan that a file may not say otherwise:
// --shard and --seed, -sV (or -A), -sn. `header.args` is read; the rest set.
void describe_from_args(SavedHeader& header);

// The parsers behind parse_saved_jsonl and parse_saved_xml (same errors).
void read_jsonl_records(std::istream& in, const std::string& source, std::size_t lines_before, SavedRecordSink& sink);
void read_xml_records(std::istream& in, const std::string& source, std::size_t lines_before, SavedRecordSink& sink);
// Opens `path` and reads it with the reader its first character names, as
// read_saved_scan does (same errors).
void read_saved_records(const std::string& path, SavedRecordSink& sink);

}  // namespace portsweep
