#pragma once
// Reading the data files portsweep loads at start (nmap-services,
// nmap-service-probes): whole, once, with an error that names the file.
#include <string>

namespace portsweep {

// The file's bytes. Throws RuntimeFailure "cannot read WHAT file "PATH": why".
std::string read_data_file(const std::string& path, const std::string& what);

}  // namespace portsweep
