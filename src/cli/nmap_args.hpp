#pragma once
// nmap spells many options as one dash and several letters (-sS, -oX, -iL, -T4,
// -p-). CLI11, like getopt, reads "-sS" as "-s S". Rather than parse by hand,
// we rewrite those tokens to long options before CLI11 sees them, and the help
// formatter maps the long names back, so users only ever see nmap's spelling.
//
// nmap reads its command line with getopt_long_only, so it also takes a long
// option with one dash (-open, -min-rate=100) and any unambiguous prefix of a
// long option's name (--max-ret). The normaliser does both, given the long
// names the parser knows: a single-dash word is read as a long option only
// when it is exactly one's name and not a short spelling nmap knows (-sSV,
// -Pn), so -p22, -T4, -v3 and -eeth0 keep their meaning. A prefix is taken
// only after two dashes (one dash is too easily a short option with its
// value glued on) and only when one name starts with it; an exact name wins.
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

//
// `long_names` are the parser's long options ("--min-rate"), for the
// single-dash spellings and the prefixes; the long options refused by name
// (cli/unsupported_options.hpp) are known without them. A prefix that more
// than one name starts with is refused (UsageError) naming every candidate.
std::vector<std::string> normalise_nmap_args(const std::vector<std::string>& args,
                                             const std::vector<std::string>& long_names = {});

}  // namespace portsweep
