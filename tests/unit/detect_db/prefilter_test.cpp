// The Hyperscan prefilter (builds with libhs only) changes no answer. The
// full nmap file takes Hyperscan tens of seconds to compile, so this uses a
// file of its own with the constructs that matter: anchors, flags, classes,
// back-references (prefilter mode approximates them), captures.
#include <gtest/gtest.h>

#include "detect/version_match_prefilter.hpp"
#include "detect_db_fixtures.hpp"

namespace portsweep {
namespace {

const char* kFile =
    "Probe TCP NULL q||\n"
    "match ftp m|^220 \\(vsFTPd ([\\w.-]+)\\)\\r\\n| p/vsftpd/ v/$1/\n"
    "softmatch ftp m|^220[- ].*ftp|i\n"
    "match ssh m|^SSH-([\\d.]+)-OpenSSH_([\\w.]+)| p/OpenSSH/ v/$2/\n"
    "match echo m|^(\\w+) \\1$| p/repeater/\n"
    "match any m|dnsmasq-([\\d.]+)|s v/$1/\n"
    "match lines m|^first.second$|s\n"
    "Probe TCP GetRequest q|GET / HTTP/1.0\\r\\n\\r\\n|\n"
    "match http m|^HTTP/1\\.[01] \\d\\d\\d .*?\\r\\nServer: nginx/([\\d.]+)\\r\\n|s p/nginx/ v/$1/\n"
    "match http m|^HTTP/1\\.[01] \\d\\d\\d|i p/generic/\n";

TEST(Prefilter, SameAnswersAsPcre2Alone) {
  if (!ProbePrefilter::available()) GTEST_SKIP() << "built without Hyperscan";
  ServiceProbeDb plain = test::parse_text(kFile);
  std::istringstream in(kFile);
  ServiceProbeDb pre = ServiceProbeDb::parse(in, "prefiltered", ServiceProbeLoadOptions{.prefilter = true});
  EXPECT_EQ(pre.stats().prefiltered + pre.stats().prefilter_rejected, 8u);
  const std::vector<std::string> responses = {
      "220 (vsFTPd 3.0.3)\r\n", "220 my FTP\r\n", "SSH-2.0-OpenSSH_9.2p1\r\n", "abc abc", "abc abd",
      std::string("\0\x06\x85\x80 dnsmasq-2.90", 18), "first\nsecond", "firstXsecond", "",
      "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n\r\n", "http/1.0 404 nope"};
  for (const std::string& r : responses) {
    for (const char* probe : {"NULL", "GetRequest"}) {
      auto a = plain.match(*plain.find(probe, Proto::Tcp), r);
      auto b = pre.match(*pre.find(probe, Proto::Tcp), r);
      ASSERT_EQ(a.has_value(), b.has_value()) << probe << ": " << r;
      if (a) {
        EXPECT_EQ(a->line, b->line) << probe << ": " << r;
        EXPECT_EQ(a->version, b->version) << probe << ": " << r;
      }
    }
  }
}

}  // namespace
}  // namespace portsweep
