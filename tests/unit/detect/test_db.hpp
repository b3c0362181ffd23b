#pragma once
// A small probes database in nmap-service-probes syntax, with waits short
// enough for unit tests. Its port lists cover every port, since the local
// servers listen on ephemeral ones:
//   NULL        banner wait; ssh match; an ftp softmatch that names the host
//   TLSHello    a malformed TLS record, answered by a TLS server's alert (ssl)
//   GetRequest  listed for TLS only; nginx match
//   Help        rarity 3; names ftp, so it survives the ftp softmatch
#include <sstream>
#include <string>

#include "detect/service_probes.hpp"

namespace portsweep::test {

inline const char* kTestProbes = R"(# unit-test probes
Probe TCP NULL q||
totalwaitms 600
tcpwrappedms 400
match ssh m|^SSH-([\d.]+)-OpenSSH_([\w._-]+) Debian-(\S+)\r?\n| p/OpenSSH/ v/$2 Debian $3/ i/protocol $1/ o/Linux/ cpe:/a:openbsd:openssh:$2/ cpe:/o:linux:linux_kernel/a
softmatch ftp m|^220 ([-.\w]+) [-.\w ]+ftp.*\r\n$|i h/$1/

Probe TCP TLSHello q|\x16\x03\x01\x00\x05hello|
rarity 1
ports 1-65535
totalwaitms 300
match ssl m|^\x15\x03[\x00-\x04]\0\x02|

Probe TCP GetRequest q|GET / HTTP/1.0\r\n\r\n|
rarity 1
sslports 1-65535
totalwaitms 300
match http m|^HTTP/1\.[01] \d\d\d .*\r\nServer: nginx/([\d.]+)\r\n|s p/nginx/ v/$1/ cpe:/a:igor_sysoev:nginx:$1/

Probe TCP Help q|HELP\r\n|
rarity 3
totalwaitms 300
match ftp m|^220 .*\r\n214 Help OK\r\n|s p/testftpd/ v/1.0/ cpe:/a:test:testftpd:1.0/
)";

inline ServiceProbeDb test_db() {
  std::istringstream in(kTestProbes);
  return ServiceProbeDb::parse(in, "test-probes");
}

}  // namespace portsweep::test
