// The nmap-payloads reader against Debian's real file, the project's own
// file, and small inline files for each rule of the format and each error.
#include "probes/udp_payloads.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <unistd.h>

#include "common/error.hpp"
#include "portsweep_config.h"

namespace portsweep {
namespace {

using ::testing::HasSubstr;
using ::testing::ThrowsMessage;

constexpr const char* kNmapPayloads = "/usr/share/nmap/nmap-payloads";
const std::string kOwnPayloads = std::string(PORTSWEEP_SOURCE_DATADIR) + "/portsweep-payloads";

UdpPayloadDb parse(const std::string& text) { return UdpPayloadDb::parse(text, "inline"); }

std::string str(const UdpPayload& p) { return std::string(p.bytes.begin(), p.bytes.end()); }

// The one payload of `port`.
std::string only(const UdpPayloadDb& db, uint16_t port) {
  auto list = db.payloads_for(port);
  EXPECT_EQ(list.size(), 1u) << "udp port " << port;
  return list.empty() ? std::string() : str(list[0]);
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

unsigned be16(std::span<const uint8_t> b, size_t at) { return b[at] << 8 | b[at + 1]; }
uint32_t be32(std::span<const uint8_t> b, size_t at) {
  return static_cast<uint32_t>(be16(b, at)) << 16 | be16(b, at + 2);
}

// ---- the format ------------------------------------------------------------

TEST(UdpPayloads, EmptyDatabaseSendsEmptyDatagrams) {
  UdpPayloadDb db;
  EXPECT_TRUE(db.payloads_for(0).empty());
  EXPECT_TRUE(db.payloads_for(53).empty());
  EXPECT_TRUE(db.payloads_for(65535).empty());
  EXPECT_EQ(db.entry_count(), 0u);
  EXPECT_EQ(db.port_count(), 0u);
  UdpPayloadDb empty = parse("# nothing but comments\n\n   # and blanks\n");
  EXPECT_EQ(empty.entry_count(), 0u);
  EXPECT_TRUE(empty.payloads_for(53).empty());
}

TEST(UdpPayloads, LookupsWithZeroOneAndSeveralPayloads) {
  UdpPayloadDb db = parse(
      "# header\n"
      "udp 7 \"one\"\n"           // line 2
      "udp 53,69 \"dns\"\n"       // line 3
      "udp 53 \"dns2\"\n"         // line 4
      "udp 5353,53 \"mdns\"\n");  // line 5
  EXPECT_EQ(db.origin(), "inline");
  EXPECT_EQ(db.entry_count(), 4u);
  EXPECT_EQ(db.port_count(), 4u);
  EXPECT_TRUE(db.payloads_for(8).empty());
  EXPECT_EQ(only(db, 7), "one");
  EXPECT_EQ(db.payloads_for(7)[0].line, 2u);
  EXPECT_FALSE(db.payloads_for(7)[0].source_port.has_value());
  auto dns = db.payloads_for(53);
  ASSERT_EQ(dns.size(), 3u);  // file order
  EXPECT_EQ(str(dns[0]), "dns");
  EXPECT_EQ(str(dns[1]), "dns2");
  EXPECT_EQ(str(dns[2]), "mdns");
  EXPECT_EQ(dns[0].line, 3u);
  EXPECT_EQ(dns[1].line, 4u);
  EXPECT_EQ(dns[2].line, 5u);
  EXPECT_EQ(only(db, 69), "dns");
  EXPECT_EQ(only(db, 5353), "mdns");
}

TEST(UdpPayloads, Escapes) {
  UdpPayloadDb db = parse(
      "udp 1 \"\\0\\a\\b\\f\\n\\r\\t\\v\"\n"
      "udp 2 \"\\\\ \\\" \\' \\? \\# \\x00\\x7f\\xFF\\xaB\"\n"
      "udp 3 \"a#b\"   # a '#' inside a string is data\n"
      "udp 4 \"\"\n"
      "udp 5 \"\\012\"\n"  // no octal: NUL, then "12", as nmap reads it
      "udp 6 \"caf\xc3\xa9\"\n");
  EXPECT_EQ(only(db, 1), std::string("\0\a\b\f\n\r\t\v", 8));
  EXPECT_EQ(only(db, 2), std::string("\\ \" ' ? # \0\x7f\xff\xab", 14));
  EXPECT_EQ(only(db, 3), "a#b");
  EXPECT_EQ(only(db, 4), "");  // an explicitly empty payload
  EXPECT_EQ(only(db, 5), std::string("\0" "12", 3));
  EXPECT_EQ(only(db, 6), "caf\xc3\xa9");
}

TEST(UdpPayloads, StringsContinueOverLinesAndConcatenate) {
  UdpPayloadDb db = parse(
      "udp 9\n"
      "  \"ab\" \"cd\"   # two on a line\n"
      "\n"
      "  # a comment between the strings\n"
      "\t\"\\x65\"\r\n"
      "  \"f\"\n"
      "udp 10 \"x\" udp 11 \"y\"\n"  // "udp" after a string starts the next entry
      "udp 12 \"last\"");            // no final newline
  EXPECT_EQ(only(db, 9), "abcdef");
  EXPECT_EQ(db.payloads_for(9)[0].line, 1u);
  EXPECT_EQ(only(db, 10), "x");
  EXPECT_EQ(only(db, 11), "y");
  EXPECT_EQ(db.payloads_for(11)[0].line, 7u);
  EXPECT_EQ(only(db, 12), "last");
}

TEST(UdpPayloads, PortRanges) {
  UdpPayloadDb db = parse(
      "udp 10-12,20,0 \"a\"\n"
      "udp 65530-65535 \"b\"\n"
      "udp 11-11 \"c\"\n"
      "udp 32768-65535 \"d\"\n");
  EXPECT_TRUE(db.payloads_for(9).empty());
  EXPECT_EQ(only(db, 0), "a");
  EXPECT_EQ(only(db, 10), "a");
  EXPECT_EQ(db.payloads_for(11).size(), 2u);
  EXPECT_EQ(only(db, 12), "a");
  EXPECT_TRUE(db.payloads_for(13).empty());
  EXPECT_EQ(only(db, 20), "a");
  EXPECT_EQ(only(db, 32768), "d");
  EXPECT_EQ(only(db, 65529), "d");
  ASSERT_EQ(db.payloads_for(65535).size(), 2u);
  EXPECT_EQ(str(db.payloads_for(65535)[0]), "b");
  EXPECT_EQ(str(db.payloads_for(65535)[1]), "d");
  EXPECT_EQ(db.port_count(), 5u + 32768u);
  // Ports with the same list share it rather than holding a copy each.
  EXPECT_EQ(db.payloads_for(40000).data(), db.payloads_for(60000).data());
  EXPECT_EQ(db.payloads_for(10).data(), db.payloads_for(20).data());
}

TEST(UdpPayloads, SourceKeyword) {
  UdpPayloadDb db = parse(
      "udp 500 \"ike\"\n"
      "source 500\n"
      "udp 4500\n"
      "  \"natt\" source 4500 and the rest of the line is ignored, \"strings\" too\n"
      "udp 7 \"plain\"\n");
  ASSERT_EQ(db.payloads_for(500).size(), 1u);
  EXPECT_EQ(db.payloads_for(500)[0].source_port, std::optional<uint16_t>(500));
  EXPECT_EQ(only(db, 4500), "natt");
  EXPECT_EQ(db.payloads_for(4500)[0].source_port, std::optional<uint16_t>(4500));
  EXPECT_FALSE(db.payloads_for(7)[0].source_port.has_value());
}

TEST(UdpPayloads, UnknownKeywordsAreIgnoredWithTheRestOfTheirLine) {
  UdpPayloadDb db = parse(
      "udp 1 \"a\" future-keyword 1,2 \"not payload\" udp 2 \"not an entry\"\n"
      "udp 3 \"b\"\n"
      "  ttl 4 # comment\n"
      "udp 4 \"c\"\n");
  EXPECT_EQ(db.entry_count(), 3u);
  EXPECT_EQ(only(db, 1), "a");
  EXPECT_TRUE(db.payloads_for(2).empty());
  EXPECT_EQ(only(db, 3), "b");
  EXPECT_EQ(only(db, 4), "c");
}

TEST(UdpPayloads, DuplicatePayloadsOfAPortAreDropped) {
  UdpPayloadDb db = parse(
      "udp 53,54 \"same\"\n"
      "udp 53 \"same\"\n"
      "udp 53,53 \"other\"\n");
  EXPECT_EQ(db.duplicates_dropped(), 2u);
  ASSERT_EQ(db.payloads_for(53).size(), 2u);
  EXPECT_EQ(str(db.payloads_for(53)[0]), "same");
  EXPECT_EQ(str(db.payloads_for(53)[1]), "other");
  EXPECT_EQ(only(db, 54), "same");
}

TEST(UdpPayloads, LimitsHoldExactlyAtTheBound) {
  std::string many;
  for (size_t i = 0; i < UdpPayloadDb::kMaxPayloadsPerPort; ++i) many += "udp 9 \"" + std::to_string(i) + "\"\n";
  EXPECT_EQ(parse(many).payloads_for(9).size(), 255u);

  std::string half(UdpPayloadDb::kMaxPayloadBytes / 2, 'x');
  EXPECT_EQ(only(parse("udp 9 \"" + half + "\"\n  \"" + half + "\"\n"), 9).size(), 1452u);

  std::string escaped;
  for (size_t i = 0; i < UdpPayloadDb::kMaxTokenChars / 4; ++i) escaped += "\\x41";
  EXPECT_EQ(only(parse("udp 9 \"" + escaped + "yyy\"\n"), 9).size(), 255u + 3u);  // 1023 characters as written
}

// ---- errors: one line, FILE:LINE, what was wrong and what was expected ------

TEST(UdpPayloads, MalformedInputNamesTheLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"udp 7 \"abc\n",
       "inline:1: string has no closing quote on its line; expected \"…\" to end on the line it begins "
       "(a payload continues with another quoted string on the next line)"},
      {"# c\nudp 7\n  \"abc\\\n  \"def\"\n",
       "inline:3: string has no closing quote on its line; expected \"…\" to end on the line it begins "
       "(a payload continues with another quoted string on the next line)"},
      {"udp 7 \"ab\\",
       "inline:1: string has no closing quote on its line; expected \"…\" to end on the line it begins "
       "(a payload continues with another quoted string on the next line)"},
      {"udp 7\n \"ok\"\n \"\\q\"\n",
       "inline:3: unknown escape \\q; expected one of \\0 \\a \\b \\f \\n \\r \\t \\v \\\\ \\\" \\xHH (no octal)"},
      {"udp 7 \"\\101\"\n",
       "inline:1: unknown escape \\1; expected one of \\0 \\a \\b \\f \\n \\r \\t \\v \\\\ \\\" \\xHH (no octal)"},
      {"udp 7 \"\\x4\"\n", "inline:1: bad escape \"\\x4\"; expected two hex digits after \\x"},
      {"udp 7 \"\\xZZ\"\n", "inline:1: bad escape \"\\xZZ\"; expected two hex digits after \\x"},
      {"\n\n\"abc\"\n",
       "inline:3: payload string before any \"udp\" line; expected an entry to start with \"udp PORTS\""},
      {"udp 7 \"a\" source 5\n\"b\"\n",  // strings may not follow the keyword line
       "inline:2: payload string before any \"udp\" line; expected an entry to start with \"udp PORTS\""},
      {"tcp 80 \"GET\"\n",
       "inline:1: \"tcp\" where an entry should start; expected \"udp PORTS\" (only udp is supported; "
       "keywords go on one line after the strings)"},
      {"udp 500 \"a\"\nsource 500\nttl 3\n",
       "inline:3: \"ttl\" where an entry should start; expected \"udp PORTS\" (only udp is supported; "
       "keywords go on one line after the strings)"},
      {"udp\n  \"a\"\n",
       "inline:1: \"udp\" has no port list; expected \"udp PORTS\" with ports such as 53,5353,32768-65535 on "
       "the same line"},
      {"udp \"a\"\n",
       "inline:1: \"udp\" has no port list; expected \"udp PORTS\" with ports such as 53,5353,32768-65535 on "
       "the same line"},
      {"udp 70000 \"a\"\n", "inline:1: invalid port \"70000\"; expected a number 0-65535"},
      {"udp 53,5x \"a\"\n", "inline:1: invalid port \"5x\" in \"53,5x\"; expected a number 0-65535"},
      {"udp 1-65536 \"a\"\n", "inline:1: invalid port \"65536\" in \"1-65536\"; expected a number 0-65535"},
      {"udp -10 \"a\"\n", "inline:1: invalid port \"\" in \"-10\"; expected a number 0-65535"},
      {"udp 53,,54 \"a\"\n",
       "inline:1: empty entry in port list \"53,,54\"; expected PORT or FIRST-LAST between the commas"},
      {"udp 53, \"a\"\n",
       "inline:1: empty entry in port list \"53,\"; expected PORT or FIRST-LAST between the commas"},
      {"udp 9-3 \"a\"\n", "inline:1: port range \"9-3\" runs backwards; expected FIRST-LAST with FIRST <= LAST"},
      {"udp 7\nudp 8 \"a\"\n",
       "inline:1: udp 7 has no payload; expected one or more quoted strings after the port list"},
      {"udp 7 \"a\"\n\nudp 8\n",
       "inline:3: udp 8 has no payload; expected one or more quoted strings after the port list"},
      {"udp 7 \"a\" source\nudp 8 \"b\"\n", "inline:1: \"source\" has no port; expected \"source PORT\" on one line"},
      {"udp 7 \"a\"\n  source 0\n", "inline:2: invalid port \"0\"; expected a number 1-65535"},
      {"udp 7 \"a\"\n  source 65536\n", "inline:2: invalid port \"65536\"; expected a number 1-65535"},
  };
  for (const Case& c : cases) EXPECT_EQ(error_of(c.text), c.message) << c.text;
}

TEST(UdpPayloads, TooManyPayloadsForOnePort) {
  std::string text = "udp 1-100 \"shared\"\n";
  for (size_t i = 0; i < UdpPayloadDb::kMaxPayloadsPerPort; ++i) text += "udp 50 \"" + std::to_string(i) + "\"\n";
  EXPECT_EQ(error_of(text),
            "inline:256: udp port 50 has more than 255 payloads; expected at most 255 per port (nmap's limit)");
}

TEST(UdpPayloads, PayloadTooLargeForOneDatagram) {
  std::string half(UdpPayloadDb::kMaxPayloadBytes / 2, 'x');
  EXPECT_EQ(error_of("udp 9,10\n  \"" + half + "\"\n  \"" + half + "\"\n  \"!\"\n"),
            "inline:4: payload for udp 9,10 grows to 1453 bytes; expected at most 1452 (one unfragmented datagram)");
}

TEST(UdpPayloads, TokensLongerThanNmapAccepts) {
  std::string escaped;
  for (size_t i = 0; i < 256; ++i) escaped += "\\x41";  // 1024 characters as written, 256 bytes
  EXPECT_EQ(error_of("udp 9\n \"" + escaped + "\"\n"),
            "inline:2: a quoted string of 1024 characters; expected at most 1023 (nmap's limit): split it into "
            "several strings");
  std::string ports;
  while (ports.size() < 1024) ports += "1,";
  ports += "1";
  EXPECT_THAT(error_of("udp " + ports + " \"a\"\n"),
              HasSubstr("inline:1: a word of 1025 characters; expected at most 1023, nmap's limit"));
}

// ---- files -------------------------------------------------------------------

// Per-process, so concurrent runs of the test binary do not collide.
class ScratchDir {
 public:
  ScratchDir()
      : path_(std::filesystem::path(::testing::TempDir()) / ("portsweep-payloads-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name) << text;
    return (path_ / name).string();
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(UdpPayloads, SearchPathOrder) {
  std::vector<std::string> paths = UdpPayloadDb::search_path(std::string("/opt/data"));
  ASSERT_EQ(paths.size(), 6u);
  EXPECT_EQ(paths[0], "/opt/data/nmap-payloads");
  EXPECT_EQ(paths[1], "/opt/data/portsweep-payloads");
  EXPECT_EQ(paths[2], "/usr/share/nmap/nmap-payloads");
  EXPECT_EQ(paths[3], "/usr/local/share/nmap/nmap-payloads");
  EXPECT_EQ(paths[4], std::string(PORTSWEEP_DATADIR) + "/portsweep-payloads");
  EXPECT_EQ(paths[5], kOwnPayloads);
  EXPECT_EQ(UdpPayloadDb::search_path(std::nullopt).size(), 4u);
}

TEST(UdpPayloads, DatadirComesFirst) {
  ScratchDir dir;
  std::string own = dir.write("portsweep-payloads", "udp 1 \"own\"\n");
  EXPECT_EQ(UdpPayloadDb::load(dir.path()).origin(), own);
  std::string nmap = dir.write("nmap-payloads", "udp 2 \"nmap\"\n");
  UdpPayloadDb db = UdpPayloadDb::load(dir.path());
  EXPECT_EQ(db.origin(), nmap);
  EXPECT_EQ(only(db, 2), "nmap");
  // A datadir without either file falls through to the system-wide files.
  EXPECT_NE(UdpPayloadDb::load(dir.path() + "/none").origin().rfind(dir.path(), 0), 0u);
}

TEST(UdpPayloads, LoadFindsSomeFile) {
  UdpPayloadDb db = UdpPayloadDb::load(std::nullopt);
  EXPECT_FALSE(db.origin().empty());
  EXPECT_FALSE(db.payloads_for(53).empty());
}

TEST(UdpPayloads, FileErrorsNameTheFile) {
  EXPECT_THAT([] { UdpPayloadDb::load_file("/nonexistent/nmap-payloads"); },
              ThrowsMessage<RuntimeFailure>(
                  "cannot read UDP payloads file \"/nonexistent/nmap-payloads\": No such file or directory"));
  ScratchDir dir;
  std::string bad = dir.write("nmap-payloads", "# fine\nudp 7 \"fine\"\nudp 8 \"\\z\"\n");
  EXPECT_THAT([&] { UdpPayloadDb::load(dir.path()); },
              ThrowsMessage<UsageError>(HasSubstr(bad + ":3: unknown escape \\z;")));
}

// ---- the real files ---------------------------------------------------------

// Debian's nmap-common: every entry must parse, or -sU would lose its payloads.
TEST(UdpPayloads, DebiansNmapPayloads) {
  if (!std::filesystem::exists(kNmapPayloads)) GTEST_SKIP() << "nmap's data files are not installed";
  UdpPayloadDb db = UdpPayloadDb::load_file(kNmapPayloads);
  // Entries counted independently: lines that start with "udp ".
  std::ifstream in(kNmapPayloads);
  size_t udp_lines = 0;
  for (std::string line; std::getline(in, line);) udp_lines += line.rfind("udp ", 0) == 0;
  EXPECT_EQ(db.entry_count(), udp_lines);
  EXPECT_GE(db.entry_count(), 50u);
  EXPECT_EQ(db.duplicates_dropped(), 0u);
  for (uint16_t port : {7, 53, 111, 123, 137, 161, 500, 1900, 5353}) {
    EXPECT_FALSE(db.payloads_for(port).empty()) << "udp port " << port;
  }
  EXPECT_GE(db.payloads_for(53).size(), 2u);  // DNS status request and version.bind
  EXPECT_GE(db.payloads_for(161).size(), 2u); // SNMPv1 and SNMPv3
  EXPECT_TRUE(db.payloads_for(22).empty());
  // ISAKMP asks for source port 500 (which nmap itself does not honour).
  bool source_500 = false;
  for (const UdpPayload& p : db.payloads_for(500)) source_500 = source_500 || p.source_port == 500;
  EXPECT_TRUE(source_500);
  size_t pairs = 0, largest = 0;
  for (unsigned port = 0; port <= 65535; ++port) {
    for (const UdpPayload& p : db.payloads_for(static_cast<uint16_t>(port))) {
      ++pairs;
      largest = std::max(largest, p.bytes.size());
    }
  }
  EXPECT_GT(db.port_count(), 32768u);  // ONC RPC covers 32768-65535
  EXPECT_GE(pairs, db.port_count());
  EXPECT_LE(largest, UdpPayloadDb::kMaxPayloadBytes);
  ::testing::Test::RecordProperty("entries", static_cast<int>(db.entry_count()));
  ::testing::Test::RecordProperty("ports", static_cast<int>(db.port_count()));
  ::testing::Test::RecordProperty("largest_payload", static_cast<int>(largest));
}

// The project's own file must always parse, and each payload must be the
// request its comment says (checked here on the fields that matter).
TEST(UdpPayloads, OwnPayloadsFile) {
  UdpPayloadDb db = UdpPayloadDb::load_file(kOwnPayloads);
  EXPECT_EQ(db.duplicates_dropped(), 0u);
  EXPECT_GE(db.entry_count(), 19u);
  for (uint16_t port : {7, 53, 69, 111, 123, 137, 161, 177, 520, 623, 1900, 2049, 3478, 5060, 5351, 5353, 5683}) {
    EXPECT_FALSE(db.payloads_for(port).empty()) << "udp port " << port;
  }

  // DNS: one question; the root NS query and version.bind CH TXT.
  auto dns = db.payloads_for(53);
  ASSERT_EQ(dns.size(), 2u);
  for (const UdpPayload& q : dns) {
    EXPECT_EQ(be16(q.bytes, 2) & 0x8000u, 0u);  // a query
    EXPECT_EQ(be16(q.bytes, 4), 1u);            // QDCOUNT
  }
  EXPECT_EQ(str(dns[0]).substr(12), std::string("\0\0\x02\0\x01", 5));
  EXPECT_EQ(str(dns[1]).substr(12), std::string("\x07version\x04" "bind\0\0\x10\0\x03", 18));

  // NTP: 48 bytes, LI 0, version 4, mode 3 (client), a transmit timestamp.
  std::string ntp = only(db, 123);
  ASSERT_EQ(ntp.size(), 48u);
  EXPECT_EQ(static_cast<uint8_t>(ntp[0]), 0x23);
  EXPECT_NE(be32(db.payloads_for(123)[0].bytes, 40), 0u);

  // SNMP: BER SEQUENCEs whose length bytes cover the rest exactly; v1 with
  // "public" and sysDescr.0, then v3 with msgVersion 3.
  auto snmp = db.payloads_for(161);
  ASSERT_EQ(snmp.size(), 2u);
  for (const UdpPayload& m : snmp) {
    EXPECT_EQ(m.bytes[0], 0x30);
    EXPECT_EQ(m.bytes[1] + 2u, m.bytes.size());
  }
  EXPECT_EQ(str(snmp[0]).substr(2, 11), std::string("\x02\x01\x00\x04\x06public", 11));
  EXPECT_NE(str(snmp[0]).find(std::string("\x06\x08\x2b\x06\x01\x02\x01\x01\x01\x00\x05\x00", 12)),
            std::string::npos);
  EXPECT_EQ(str(snmp[1]).substr(2, 3), "\x02\x01\x03");

  // NetBIOS: a node status (NBSTAT, 0x21) question for "*" padded with NULs.
  std::string nbns = only(db, 137);
  ASSERT_EQ(nbns.size(), 50u);
  EXPECT_EQ(nbns.substr(12, 3), "\x20" "CK");
  EXPECT_EQ(nbns.substr(15, 30), std::string(30, 'A'));
  EXPECT_EQ(nbns.substr(45), std::string("\0\0\x21\0\x01", 5));

  // ONC RPC: CALL, RPC version 2, portmapper / NFS, procedure NULL.
  const std::pair<uint16_t, uint32_t> rpc_programs[] = {{111, 100000}, {2049, 100003}};
  for (auto [port, program] : rpc_programs) {
    auto rpc = db.payloads_for(port)[0].bytes;
    ASSERT_EQ(rpc.size(), 40u);
    EXPECT_EQ(be32(rpc, 4), 0u);
    EXPECT_EQ(be32(rpc, 8), 2u);
    EXPECT_EQ(be32(rpc, 12), program);
    EXPECT_EQ(be32(rpc, 20), 0u);
  }

  // SSDP: an HTTP-over-UDP M-SEARCH ending in an empty line.
  std::string ssdp = only(db, 1900);
  EXPECT_EQ(ssdp.rfind("M-SEARCH * HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(ssdp.find("MAN: \"ssdp:discover\"\r\n"), std::string::npos);
  EXPECT_EQ(ssdp.substr(ssdp.size() - 4), "\r\n\r\n");

  // mDNS: a PTR question for the DNS-SD service enumeration name.
  std::string mdns = only(db, 5353);
  EXPECT_EQ(mdns.substr(12), std::string("\x09_services\x07_dns-sd\x04_udp\x05local\0\0\x0c\0\x01", 34));
}

}  // namespace
}  // namespace portsweep
