#pragma once
// nmap's firewall/IDS evasion and spoofing options read from their text:
// -f/-ff, --mtu, -D, --data, --data-string, --data-length, --ip-options,
// --spoof-mac, --badsum. The parsers throw UsageError with one sentence that
// names the option, the text and what was expected; the command line calls
// check_evasion_options() so a bad value stops before anything is set up,
// and the scan turns them into the sweep's EvasionPlan (probes/frame_shaper).
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "cli/scan_options.hpp"
#include "probes/frame_shaper.hpp"

namespace portsweep {

class MacVendors;

inline constexpr size_t kMaxDataLength = 65400;  // nmap's cap on --data-length
inline constexpr size_t kMaxDecoys = 128;        // sources in all, ours included

// --data: "0xdeadbeef", "deadbeef" or "\xde\xad\xbe\xef".
std::vector<uint8_t> parse_data_hex(std::string_view text);

// --ip-options: "R" (record route), "T" (timestamps), "U" (timestamps and
// addresses), "L ADDR..." (loose source route), "S ADDR..." (strict), or
// bytes "\x07\x27\x04\x00*36" (*N: the byte before, N times in all). Padded
// with end-of-options to a multiple of 4; at most 40 bytes.
// "L"/"S" are laid out as nmap's: a NOP, the option with the hops and a
// last slot for the target (its offset to *target_at, the first hop's to
// *first_hop_at; both 0 for the other forms).
std::vector<uint8_t> parse_ip_options(std::string_view text, size_t* target_at = nullptr,
                                      size_t* first_hop_at = nullptr);

// -D: addresses, ME (our place) and RND / RND:N (random addresses).
struct DecoySpec {
  std::vector<uint32_t> sources;  // host order; 0: a random address, drawn per scan
  std::optional<size_t> me;       // our index in sources (its entry a placeholder)
};
DecoySpec parse_decoys(std::string_view text);

// --spoof-mac: "0" (random), a whole MAC ("01:02:03:04:05:06",
// "010203040506"), a prefix ("0020F2": the rest random) or a vendor name
// looked up in nmap-mac-prefixes ("Apple").
struct SpoofMacSpec {
  std::array<uint8_t, 6> bytes{};
  size_t given = 0;    // leading bytes given; the rest are drawn at random
  std::string vendor;  // a vendor name to look up (bytes then empty)
};
SpoofMacSpec parse_spoof_mac(std::string_view text);
// The MAC to send from. Throws UsageError when no vendor matches.
std::array<uint8_t, 6> resolve_spoof_mac(const SpoofMacSpec& spec, const MacVendors& vendors, std::mt19937_64& rng);

// Every evasion option of `o` parsed and checked against the others.
void check_evasion_options(const ScanOptions& o);
bool any_evasion_option(const ScanOptions& o);
// --data, --data-string or --data-length given (then -sU sends no per-port payloads).
bool payload_option_given(const ScanOptions& o);

// The sweep's plan; RND decoys and --data-length's bytes drawn from `rng`
// (once per scan: every probe carries the same random bytes). `mtu`: the
// interface's; a datagram (or fragment) that cannot fit it, whose probe's
// largest frame is `max_probe_frame`, is refused.
EvasionPlan evasion_plan(const ScanOptions& o, std::mt19937_64& rng);
void check_plan_fits(const EvasionPlan& plan, size_t max_probe_frame, unsigned mtu);

// For the engines that send no raw probes of their own (-sT, -b, -sI):
// `refuse(option, what)` for the first evasion option given.
void refuse_evasion_options(const ScanOptions& o,
                            const std::function<void(const std::string&, const char*)>& refuse);

}  // namespace portsweep
