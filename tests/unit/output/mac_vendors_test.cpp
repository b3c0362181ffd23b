// nmap-mac-prefixes: the vendor of a MAC's first three bytes; comments,
// malformed lines and unknown prefixes.
#include "output/mac_vendors.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "output/report_text.hpp"

namespace portsweep {
namespace {

TEST(MacVendors, NamesTheVendorOfAPrefix) {
  const MacVendors db = MacVendors::parse(
      "# a comment\n000000 Xerox\n0050C2 IEEE Registration Authority\r\nZZ0000 not hex\n00005 short\n525400 QEMU virtual NIC\n");
  EXPECT_EQ(db.size(), 3u);
  EXPECT_EQ(db.vendor({0x00, 0x50, 0xc2, 1, 2, 3}), "IEEE Registration Authority");
  EXPECT_EQ(db.vendor({0x52, 0x54, 0x00, 0, 0, 1}), "QEMU virtual NIC");
  EXPECT_EQ(db.vendor({0x02, 0x50, 0x53, 1, 0, 0x0a}), "");
  EXPECT_EQ(mac_text({0x02, 0x50, 0x53, 0x01, 0x00, 0x0a}), "02:50:53:01:00:0A");
}

TEST(MacVendors, DatadirComesFirst) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("portsweep-mac-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "nmap-mac-prefixes") << "025053 The Lab's Own\n";
  const MacVendors db = MacVendors::load(dir.string());
  std::filesystem::remove_all(dir);
  EXPECT_EQ(db.size(), 1u);
  EXPECT_EQ(db.vendor({0x02, 0x50, 0x53, 1, 0, 0x0a}), "The Lab's Own");
}

}  // namespace
}  // namespace portsweep
