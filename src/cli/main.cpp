// portsweep's entry point: parse nmap's command line, then hand over to the
// layer that does the work. Every error that reaches here is one sentence.
#include <iostream>

#include "cli/bench_command.hpp"
#include "cli/command_line.hpp"
#include "cli/detect_command.hpp"
#include "cli/list_scan.hpp"
#include "cli/merge_command.hpp"
#include "cli/report_command.hpp"
#include "cli/scan_command.hpp"
#include "io/iflist.hpp"
#include "common/error.hpp"
#include "common/message_text.hpp"

int main(int argc, char** argv) {
  using namespace portsweep;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    // `portsweep detect …` is version detection on saved results, `portsweep
    // report …` writes them again; anything else is nmap's command line.
    if (!args.empty() && args[0] == "detect") {
      return run_detect_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    }
    if (!args.empty() && args[0] == "merge") {
      return run_merge_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    }
    if (!args.empty() && args[0] == "report") {
      return run_report_command({args.begin() + 1, args.end()}, std::cout, std::cerr);
    }
    ParsedCommandLine parsed = parse_command_line(args, std::cout, std::cerr);
    if (!parsed.options) return parsed.exit_status;
    const ScanOptions& o = *parsed.options;
    if (o.version) {
      print_version(std::cout);
      return 0;
    }
    if (o.iflist) {
      print_iflist(std::cout);
      return 0;
    }
    if (o.bench_tx) return run_bench_tx(o, std::cout, std::cerr);
    if (o.list_scan) return run_list_scan(o, std::cerr);
    return run_scan(o, std::cout, std::cerr);
  } catch (const UsageError& e) {
    print_message_line(std::cerr, "portsweep: ", e.what());
    return 2;
  } catch (const std::exception& e) {
    print_message_line(std::cerr, "portsweep: ", e.what());
    return 1;
  }
}
