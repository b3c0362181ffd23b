#pragma once
// What the output formats are told before the first result arrives: the
// command line, when the scan started and what it probes. The header of every
// format is written from this alone.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "portsweep/result.hpp"
#include "portsweep_config.h"

namespace portsweep {

// Ports scanned per host, indexed by proto_index().
using PortsPerProto = std::array<uint32_t, kProtoCount>;

// Conventional service name of a port ("ssh" for 22/tcp); an empty view means
// unknown. The text must stay valid until the writers' end() has returned.
using ServiceLookup = std::function<std::string_view(uint16_t port, Proto proto)>;
// The vendor nmap-mac-prefixes names for a MAC's first three bytes; "" when unknown.
using MacVendorLookup = std::function<std::string_view(const std::array<uint8_t, 6>& mac)>;

// The state nmap gives a probe that got no reply: "filtered" for SYN, connect,
// ACK, window and SCTP INIT scans, "open|filtered" for UDP, FIN, NULL, Xmas,
// Maimon, IP-protocol and SCTP COOKIE-ECHO scans.
PortState no_response_state_for(std::string_view scan_type);

// One scan technique over one protocol; XML lists one <scaninfo> for each.
struct ScanKind {
  // nmap's name, which nmap.dtd restricts to: syn ack bounce connect null xmas
  // window maimon fin udp sctpinit sctpcookieecho ipproto.
  std::string type = "syn";
  Proto proto = Proto::Tcp;
  std::string services;       // compact port list, "1-1024,8080"
  uint32_t num_services = 0;  // how many ports `services` names
  // Unset: no_response_state_for(type).
  std::optional<PortState> no_response_state;
  // Why an unanswered port has that state: nmap's "no-response", except -sI's
  // "no-ipid-change" (the zombie's IP ID did not move for it).
  Reason no_response_reason = Reason::NoResponse;
  // False: XML writes no <scaninfo> for it, as nmap writes none for -sI.
  bool xml_scaninfo = true;

  PortState unanswered_state() const {
    return no_response_state ? *no_response_state : no_response_state_for(type);
  }
};

// The stylesheet --webxml names: nmap's own, where nmap.org publishes it.
inline constexpr std::string_view kWebXmlStylesheet = "https://svn.nmap.org/nmap/docs/nmap.xsl";

struct ScanInfo {
  std::string args;             // the command line, words joined by spaces
  int64_t start_time_us = 0;    // wall clock, microseconds since the epoch
  std::vector<ScanKind> scans;  // at most one per protocol
  uint64_t num_targets = 0;     // addresses the scan covers
  std::string version = PORTSWEEP_VERSION;
  int verbose = 0;              // -v count; raises how many ports a state may list
  int debugging = 0;            // -d count; only reported in XML
  bool reason = false;          // --reason: REASON column and "received ..." wording
  bool open_only = false;       // --open: list only ports that may be open
  bool os_scan = false;          // -O: "OS detection performed."
  bool version_scan = false;    // -sV: VERSION column, "Service Info" lines, "?" on guesses
  bool port_scan = true;        // false for a ping scan (-sn): hosts' status only, no ports
  // A list scan (-sL): every target is listed (ScanSummary::each_target),
  // none probed, so none is up or down: nmap's status "unknown".
  bool list_scan = false;
  std::string xml_stylesheet;   // href of XML's xml-stylesheet line; empty: none
  // Where the data files were read from (nmap-services' folder): -v's
  // "Read data files from:" line; empty: not said.
  std::string data_dir;
  // --shard's "I/N" (empty: the whole scan) and the permutation's seed (a
  // shard's outputs must say which scan they are a part of, for `merge`).
  std::string shard;
  std::optional<uint64_t> seed;
  ServiceLookup service_name;   // optional; no lookup means every name is unknown
  MacVendorLookup mac_vendor;   // optional; no lookup means every vendor is unknown
};

}  // namespace portsweep
