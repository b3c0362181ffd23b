#pragma once
// How each output format writes what -O found on a host (OsReport) and the
// passive OS hint (OsHint), in nmap's wording and element order: the normal
// report's OS lines, XML's <os> ... <tcptssequence>, grepable's OS/Seq Index/
// IP ID Seq fields, and the JSON lines records.
#include <cstdint>
#include <string>

#include "output/os_report.hpp"

namespace portsweep {

// The normal report's lines after the MAC address: the summary (Device type,
// Running, OS details, ...), the TCP/IP fingerprint block when shown, then
// Uptime guess (-v), Network Distance, TCP Sequence Prediction (-v) and IP ID
// Sequence Generation (-v). `now_us` is when the report is written: the
// uptime counts up to it, as nmap's does.
std::string os_normal_text(const OsReport& os, int verbose, int64_t now_us);

// <os> with <portused>, <osmatch>/<osclass>/<cpe> and <osfingerprint>, then
// <uptime>, <distance>, <tcpsequence>, <ipidsequence>, <tcptssequence>.
std::string os_xml_text(const OsReport& os, int64_t now_us);

// Grepable fields, each starting with a tab: "\tOS: a|b" (perfect matches
// only, as nmap), "\tSeq Index: N", "\tIP ID Seq: class".
std::string os_grepable_fields(const OsReport& os);

// The hint as one phrase: "Linux 3.x (p0f: 4:64+0:0:1460:...)", or
// "no signature matched (p0f: ...)".
std::string os_hint_text(const OsHint& hint);

// nmap.dtd has no element for a passive guess: it goes in a host script
// result, <hostscript><script id="os-hint" output="..."/></hostscript>.
std::string os_hint_xml(const OsHint& hint);

}  // namespace portsweep
