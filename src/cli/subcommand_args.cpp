#include "cli/subcommand_args.hpp"

#include "cli/nmap_args.hpp"
#include "common/message_text.hpp"

namespace portsweep {

std::vector<std::string> long_option_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app.get_options())
    for (const std::string& l : opt->get_lnames()) names.push_back("--" + l);
  return names;
}

void add_output_flags(CLI::App& app, ScanOptions& o) {
  const char* outg = "OUTPUT";
  app.add_option("--output-normal", o.output_normal, "Normal output to FILE")->type_name("FILE")->group(outg);
  app.add_option("--output-xml", o.output_xml, "XML output to FILE")->type_name("FILE")->group(outg);
  app.add_option("--output-grepable", o.output_grepable, "Grepable output to FILE")->type_name("FILE")->group(outg);
  app.add_option("--output-json", o.output_json, "JSON lines to FILE")->type_name("FILE")->group(outg);
  app.add_option("--output-all", o.output_all, "Normal, XML and grepable output to BASE.*")
      ->type_name("BASE")->group(outg);
  app.add_flag("--verbose", o.verbose, "Increase verbosity level")->group(outg);
  app.add_flag("--reason", o.reason, "Display the reason a port is in a particular state")->group(outg);
  app.add_flag("--open", o.open_only, "Only show open ports")->group(outg);
}

bool parse_subcommand(CLI::App& app, const std::vector<std::string>& args, const std::string& name, std::ostream& out,
                      std::ostream& err, int& status) {
  // CLI11 takes the words last first.
  const std::vector<std::string> normalised = normalise_nmap_args(args, long_option_names(app));
  std::vector<std::string> reversed(normalised.rbegin(), normalised.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    status = 0;
    return false;
  } catch (const CLI::ParseError& e) {
    print_message_line(err, "portsweep " + name + ": ",
                       std::string(e.what()) + " (see 'portsweep " + name + " --help' for the options)");
    status = 2;
    return false;
  }
  return true;
}

}  // namespace portsweep
