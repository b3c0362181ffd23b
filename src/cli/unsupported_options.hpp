#pragma once
// nmap options portsweep does not carry out. Each is refused by name with one
// sentence saying why (and what to use instead where there is something), so
// that no nmap option is accepted and then silently does nothing, and none
// meets CLI11's generic "not expected" line.
#include <string_view>
#include <vector>

namespace portsweep {

struct UnsupportedOption {
  std::string_view spelling;  // as nmap spells it: "-O", "--proxies"
  std::string_view why;       // the rest of the sentence after "is not supported: "
};

// The table, in the order of nmap's --help.
const std::vector<UnsupportedOption>& unsupported_options();

// Throws UsageError ("-O is not supported: portsweep does no OS detection")
// when `token` is one of them: the spelling itself, a long one with "=VALUE"
// glued on (--script=default), or -D with its decoys glued on (-DRND:5).
void refuse_unsupported_option(std::string_view token);

}  // namespace portsweep
