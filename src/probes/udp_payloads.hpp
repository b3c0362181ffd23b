#pragma once
// The payloads -sU puts in its datagrams. An empty UDP datagram gets no
// answer from most services (DNS, NTP, SNMP, NetBIOS… drop it), so the port
// would stay open|filtered; a protocol request makes the service answer and
// the port show open. The payloads come from an nmap-payloads file (nmap's,
// read at run time from nmap-common) or, without nmap, from this project's
// own data/portsweep-payloads in the same format.
//
// The format, as nmap reads it:
//   # comment
//   udp 53,5353,32768-65535 "\x12\x34"    protocol, ports and ranges, then
//     "more bytes"                         quoted C-style strings, concatenated
//   source 500                             optional keywords: one line, after the strings
// Escapes: \\ \" \0 \a \b \f \n \r \t \v \xHH; any other punctuation stands
// for itself, a letter or digit is an error. There is no octal: nmap reads
// "\012" as a NUL byte followed by the characters "12", and so does this.
// A string ends on the line it begins on. An unknown keyword is ignored with
// the rest of its line; "source PORT" asks for a source port (nmap does not
// honour it; the engine may). Several entries may name one port: all their
// payloads are sent, up to 255 per port; one identical to an earlier payload
// of the same port is dropped, as nmap does.
//
// Lookup is one load from a 65536-slot table (256 KiB) and the per-port lists
// are shared between ports that have the same list, so a range such as
// 32768-65535 costs one list, not 32768 copies.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep {

struct UdpPayload {
  std::span<const uint8_t> bytes;      // the datagram's payload; may be empty
  std::optional<uint16_t> source_port; // the entry's "source PORT" keyword
  size_t line = 0;                     // where the entry's "udp" is in the file
};

class UdpPayloadDb {
 public:
  // nmap's own limit, stated in the file's header (nmap sends them all at once).
  static constexpr size_t kMaxPayloadsPerPort = 255;
  // The largest payload that fits one unfragmented datagram on a 1500-byte
  // Ethernet MTU over IPv6: 1500 - 40 (IPv6) - 8 (UDP). nmap sets none; the
  // largest in Debian's nmap 7.93 file is 465 bytes, and QUIC, which wants
  // 1200-byte datagrams, still fits.
  static constexpr size_t kMaxPayloadBytes = 1452;
  // nmap reads a token (a quoted string as written, or a word) into a
  // 1024-byte buffer and refuses the file when one is longer than this.
  static constexpr size_t kMaxTokenChars = 1023;

  // No payloads: every port gets an empty datagram.
  UdpPayloadDb();
  // Payloads point into the database, so it moves but never copies.
  UdpPayloadDb(UdpPayloadDb&&) noexcept = default;
  UdpPayloadDb& operator=(UdpPayloadDb&&) noexcept = default;
  UdpPayloadDb(const UdpPayloadDb&) = delete;
  UdpPayloadDb& operator=(const UdpPayloadDb&) = delete;

  // Files tried in order: DATADIR/nmap-payloads and DATADIR/portsweep-payloads
  // when a --datadir is given, then nmap's installed copies, then this
  // project's own data/portsweep-payloads (installed, then source tree).
  static std::vector<std::string> search_path(const std::optional<std::string>& datadir);
  // Loads the first file of search_path() that exists. Throws RuntimeFailure
  // when none exists or one cannot be read, UsageError when it does not parse.
  static UdpPayloadDb load(const std::optional<std::string>& datadir);
  static UdpPayloadDb load_file(const std::string& path);
  // Throws UsageError "ORIGIN:LINE: what was wrong; expected what" on the
  // first malformed entry.
  static UdpPayloadDb parse(std::string_view text, std::string origin);

  // The payloads for UDP port `port`, in file order; empty: send an empty
  // datagram. Valid as long as the database lives.
  std::span<const UdpPayload> payloads_for(uint16_t port) const noexcept {
    uint32_t slot = slots_[port];
    return {views_.data() + (slot >> 8), slot & 0xffu};
  }

  const std::string& origin() const { return origin_; }  // the file it was read from
  size_t entry_count() const { return entry_count_; }    // "udp" entries in the file
  size_t port_count() const { return port_count_; }      // ports with at least one payload
  // (port, payload) pairs dropped because the port already had those bytes.
  size_t duplicates_dropped() const { return duplicates_dropped_; }

 private:
  friend class UdpPayloadParser;

  std::string origin_;
  std::vector<std::vector<uint8_t>> bodies_;  // one per entry, file order
  std::vector<UdpPayload> views_;             // the per-port lists, back to back
  // Per port: (first index into views_) << 8 | count. The count fits in 8
  // bits because of kMaxPayloadsPerPort.
  std::vector<uint32_t> slots_;
  size_t entry_count_ = 0;
  size_t port_count_ = 0;
  size_t duplicates_dropped_ = 0;
};

}  // namespace portsweep
