#pragma once
// A small made-up database in nmap-os-db's format (not nmap's data) and the
// installed file's location.
#include <string>

namespace portsweep::os::testing {

inline constexpr const char* kInstalledOsDb = "/usr/share/nmap/nmap-os-db";

// Weights: SEQ 100 points in all (SP 20, TI 30, TS 50), T1 60 (R 20, DF 10,
// W 30), U1 40 (R 40).
inline const std::string kMatchPoints =
    "# made-up weights\n"
    "MatchPoints\n"
    "SEQ(SP=20%TI=30%TS=50)\n"
    "T1(R=20%DF=10%W=30)\n"
    "U1(R=40)\n"
    "\n";

inline const std::string kSmallDb = kMatchPoints +
    "Fingerprint Acme Router OS 1.0\n"
    "Class Acme | RouterOS | 1.X | router\n"
    "CPE cpe:/o:acme:routeros:1 auto\n"
    "SEQ(SP=0-10%TI=I|RD%TS=U)\n"
    "T1(R=Y%DF=N%W=FFFF|8000)\n"
    "U1(R=N)\n"
    "\n"
    "# a comment between records\n"
    "Fingerprint Acme Router OS 2.0\n"
    "Class Acme | RouterOS | 2.X | router\n"
    "CPE cpe:/o:acme:routeros:2\n"
    "Class Acme | embedded || WAP\n"
    "SEQ(SP=0-10%TI=Z%TS=A)\n"
    "T1(R=Y%DF=Y%W=FFFF)\n"
    "U1(R=Y)\n"
    "\n"
    "Fingerprint Example Linux 5.X\n"
    "Class Example | Linux | 5.X | general purpose\n"
    "CPE cpe:/o:example:linux:5\n"
    "SEQ(SP=F0-110%TI=Z%TS=A)\n"
    "T1(R=Y%DF=Y%W=FAF0)\n"
    "U1(R=Y)\n";

}  // namespace portsweep::os::testing
