#pragma once
// Shows options under nmap's spelling (-sS, -oX FILE) instead of the long
// names the argv normaliser rewrites them to.
#include <CLI/CLI.hpp>

#include "cli/nmap_args.hpp"

namespace portsweep {

class NmapHelpFormatter : public CLI::Formatter {
 public:
  std::string make_option_name(const CLI::Option* opt, bool positional) const override {
    if (!positional && !opt->get_lnames().empty()) {
      if (auto nmap = nmap_spelling("--" + opt->get_lnames().front())) {
        std::string shown(*nmap);
        for (const auto& s : opt->get_snames()) shown += ",-" + s;
        return shown;
      }
    }
    return CLI::Formatter::make_option_name(opt, positional);
  }
};

}  // namespace portsweep
