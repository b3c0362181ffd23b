#pragma once
// Reading the data files portsweep loads at start (nmap-services,
// nmap-service-probes): whole, once, with an error that names the file.
#include <string>
#include <vector>

namespace portsweep {

// The file's bytes. Throws RuntimeFailure "cannot read WHAT file "PATH": why".
std::string read_data_file(const std::string& path, const std::string& what);

// The first of `paths` that exists (a file that exists but cannot be read is
// still chosen, so its error is the one reported). Throws RuntimeFailure
// "no WHAT file found (looked for A, B, ...); install nmap's data files or
// pass --datadir" when none does.
std::string first_data_file(const std::vector<std::string>& paths, const std::string& what);

}  // namespace portsweep
