#pragma once
// nmap spells many options as one dash and several letters (-sS, -oX, -iL, -T4,
// -p-). CLI11, like getopt, reads "-sS" as "-s S". Rather than parse by hand,
// we rewrite those tokens to long options before CLI11 sees them, and the help
// formatter maps the long names back, so users only ever see nmap's spelling.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep {

struct NmapAlias {
  std::string_view nmap;  // "-sS"
  std::string_view name;  // "--syn-scan"
  bool takes_value;
};

// Every alias the normaliser knows; the help formatter uses the same table.
const std::vector<NmapAlias>& nmap_aliases();

// The nmap spelling of a long option, for help output ("--syn-scan" -> "-sS").
std::optional<std::string_view> nmap_spelling(std::string_view long_name);

// Rewrites argv (without argv[0]) into the long-option form CLI11 parses:
// -sSV becomes -sS -sV, "-T 4" -T4. Throws UsageError for a -v/-d level
// above 10 ("-v99999999999") and for an nmap option portsweep does not
// carry out (cli/unsupported_options.hpp), naming it.
// The value a bare -PS (-PA, -PU, -PO) is normalised to: the probe's
// default ports.
inline constexpr std::string_view kDefaultPingPorts = "default";

std::vector<std::string> normalise_nmap_args(const std::vector<std::string>& args);

}  // namespace portsweep
