#pragma once
// A subject fingerprint as nmap prints it, read back and written out: the
// normal-output block (and XML's osfingerprint attribute)
//   OS:SCAN(V=7.93%E=4%D=12/1%OT=22%CT=1%CU=40000%PV=Y%DS=1%DC=D%G=Y%M=02000
//   OS:0%TM=6925A1B0%P=x86_64-pc-linux-gnu)SEQ(SP=104%GCD=1%ISR=10A%TI=Z%CI=Z
//   ...
// where the merged text is cut into rows of 72 characters behind "OS:", and
// the unwrapped form nmap prints with -d or -vv when the fingerprint is not
// fit for submission, one line per row ("SCAN(...)\nSEQ(...)\n...").
#include <array>
#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "os/os_fingerprint.hpp"

namespace portsweep::os {

struct SubjectFingerprintText {
  FingerprintLine scan;     // SCAN(V=...%E=4%...); name empty when the text has none
  Fingerprint fingerprint;  // every other line, in the text's order
};

// Reads either form; rows may end in "\r\n", a leading "TCP/IP fingerprint:"
// row is skipped, and XML's encoded newline "&#xa;" counts as a newline. A
// line name may repeat: nmap prints one line per try when tries differ (see
// merge_tries); Fingerprint::line() then finds the first.
// Throws UsageError, one line naming what is wrong and where.
SubjectFingerprintText parse_subject_text(std::string_view text);
// The same, without the SCAN line.
Fingerprint parse_subject_fingerprint(std::string_view text);

// The SCAN line's values (nmap's WriteSInfo, osscan.cc).
struct ScanLineInfo {
  std::string version = "7.93";  // V=
  std::string engine = "4";      // E= (4: IPv4 second generation)
  std::time_t when = 0;          // D=month/day (local time) and TM=hex seconds
  int open_tcp_port = -1;        // OT=, empty when -1
  int closed_tcp_port = -1;      // CT=
  int closed_udp_port = -1;      // CU=
  bool private_address = false;  // PV=Y|N
  int distance = -1;             // DS=, left out when -1
  char distance_method = '\0';   // DC=L|D|I|T, left out when '\0'
  bool good = true;              // G=Y|N: fit for submission
  std::optional<std::array<uint8_t, 3>> mac_prefix;  // M=XXXXXX
  std::string platform = "x86_64-pc-linux-gnu";      // P=
};
FingerprintLine scan_line(const ScanLineInfo& info);

// nmap's merge of the fingerprints of several tries (mergeFPs): all lines in
// nmap's order, a line dropped when an earlier one has the same name and the
// same test names (values are not compared: nmap's rule).
Fingerprint merge_tries(std::span<const Fingerprint> tries);

// The text nmap prints: SCAN line then the lines; wrapped, rows of
// "OS:" + 72 characters, each ended by '\n'; unwrapped, one line per row.
std::string format_subject_text(const FingerprintLine& scan, const Fingerprint& fp, bool wrap);

}  // namespace portsweep::os
