#pragma once
// --iflist: the interfaces and routes the scanner can see, as two tables in
// the layout nmap users know (DEV (SHORT) IP/MASK TYPE UP MTU MAC, then
// DST/MASK DEV METRIC GATEWAY).
#include <iosfwd>

namespace portsweep {

// Throws RuntimeFailure when the kernel cannot be asked.
void print_iflist(std::ostream& out);

}  // namespace portsweep
