// -oS: the report scrambled letter by letter, nothing else touched, the same
// every time, and the same whether written at once or in pieces.
#include "output/skid_text.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

TEST(SkidText, ScramblesLettersOnly) {
  const std::string plain = "Nmap scan report for 198.19.0.1\nHost is up (0.00012s latency).\n22/tcp open  ssh\n";
  const std::string once = SkidText()(plain);
  ASSERT_EQ(once.size(), plain.size());
  EXPECT_NE(once, plain);
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (!std::isalpha(static_cast<unsigned char>(plain[i]))) {
      EXPECT_EQ(once[i], plain[i]) << i;
    }
  }
  EXPECT_EQ(SkidText()(plain), once);  // the same every time
  SkidText pieces;
  std::string written = pieces(plain.substr(0, 20));
  written += pieces(plain.substr(20));
  EXPECT_EQ(written, once);
}

TEST(SkidText, TheSkidFormatIsTheTerminalReportScrambled) {
  TempDir dir;
  const std::string skid = dir.file("scan.skid"), plain = dir.file("plain.txt");
  {
    auto w = make_writer("skid", skid);
    run_scan(*w, sample_info(), sample_results(), sample_summary());
    auto p = make_writer("normal", plain, WriterOptions{.interactive = true});
    run_scan(*p, sample_info(), sample_results(), sample_summary());
  }
  EXPECT_EQ(read_file(skid), SkidText()(read_file(plain)));
  EXPECT_EQ(find_format("S")->name, "skid");
}

}  // namespace
}  // namespace portsweep::test
