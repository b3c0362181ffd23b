// The subject fingerprint text nmap prints (normal output's "OS:" rows, the
// unwrapped form, XML's attribute), read back and written out. The sample is
// made up in nmap's format.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "os/fingerprint_text.hpp"

namespace portsweep::os {
namespace {

using ::testing::HasSubstr;

const std::string kUnwrapped =
    "SCAN(V=7.93%E=4%D=12/1%OT=22%CT=1%CU=40000%PV=Y%DS=1%DC=D%G=Y%M=020000%TM=6925A1B0%P=x86_64-pc-linux-gnu)\n"
    "SEQ(SP=104%GCD=1%ISR=10A%TI=Z%CI=Z%II=I%TS=A)\n"
    "OPS(O1=M5B4ST11NW7%O2=M5B4ST11NW7%O3=M5B4NNT11NW7%O4=M5B4ST11NW7%O5=M5B4ST11NW7%O6=M5B4ST11)\n"
    "WIN(W1=FE88%W2=FE88%W3=FE88%W4=FE88%W5=FE88%W6=FE88)\n"
    "ECN(R=Y%DF=Y%T=40%W=FAF0%O=M5B4NNSNW7%CC=Y%Q=)\n"
    "T1(R=Y%DF=Y%T=40%S=O%A=S+%F=AS%RD=0%Q=)\n"
    "T2(R=N)\n"
    "T3(R=N)\n"
    "T4(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
    "T5(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "T6(R=Y%DF=Y%T=40%W=0%S=A%A=Z%F=R%O=%RD=0%Q=)\n"
    "T7(R=Y%DF=Y%T=40%W=0%S=Z%A=S+%F=AR%O=%RD=0%Q=)\n"
    "U1(R=Y%DF=N%T=40%IPL=164%UN=0%RIPL=G%RID=G%RIPCK=G%RUCK=G%RUD=G)\n"
    "IE(R=Y%DFI=N%T=40%CD=S)\n";

TEST(FingerprintText, ReadsTheUnwrappedForm) {
  SubjectFingerprintText t = parse_subject_text(kUnwrapped);
  EXPECT_EQ(t.scan.name, "SCAN");
  EXPECT_EQ(*t.scan.value("V"), "7.93");
  EXPECT_EQ(*t.scan.value("OT"), "22");
  EXPECT_EQ(*t.scan.value("P"), "x86_64-pc-linux-gnu");
  ASSERT_EQ(t.fingerprint.lines.size(), 13u);
  for (size_t i = 0; i < 13; ++i) EXPECT_EQ(t.fingerprint.lines[i].name, kFingerprintLineNames[i]);
  EXPECT_EQ(*t.fingerprint.line("OPS")->value("O3"), "M5B4NNT11NW7");
  EXPECT_EQ(*t.fingerprint.line("ECN")->value("Q"), "");
  EXPECT_EQ(t.fingerprint.line("T2")->tests.size(), 1u);
  EXPECT_EQ(format_subject_text(t.scan, t.fingerprint, false), kUnwrapped);
}

TEST(FingerprintText, WrapsAsNmapDoesAndReadsItBack) {
  SubjectFingerprintText t = parse_subject_text(kUnwrapped);
  std::string wrapped = format_subject_text(t.scan, t.fingerprint, true);
  // Rows of "OS:" and 72 characters, the last one shorter.
  size_t rows = 0, pos = 0;
  while (pos < wrapped.size()) {
    size_t nl = wrapped.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    std::string row = wrapped.substr(pos, nl - pos);
    EXPECT_TRUE(row.starts_with("OS:")) << row;
    if (nl + 1 < wrapped.size()) {
      EXPECT_EQ(row.size(), 75u) << row;
    }
    pos = nl + 1;
    ++rows;
  }
  EXPECT_GE(rows, 10u);
  EXPECT_TRUE(wrapped.starts_with("OS:SCAN(V=7.93%E=4%D=12/1%OT=22%CT=1%CU=40000%PV=Y%DS=1%DC=D%G=Y%M=020000%T\n"
                                  "OS:M=6925A1B0%P=x86_64-pc-linux-gnu)SEQ(SP=104%GCD=1%ISR=10A%TI=Z%CI=Z%II=I\n"));
  SubjectFingerprintText back = parse_subject_text(wrapped);
  EXPECT_EQ(back.scan, t.scan);
  EXPECT_EQ(back.fingerprint, t.fingerprint);
  // As normal output shows it, with its heading and CRLF rows.
  std::string crlf = "TCP/IP fingerprint:\r\n";
  for (char c : wrapped) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  EXPECT_EQ(parse_subject_fingerprint(crlf), t.fingerprint);
  // XML's attribute, newlines encoded.
  std::string xml;
  for (char c : wrapped) xml += c == '\n' ? std::string("&#xa;") : std::string(1, c);
  EXPECT_EQ(parse_subject_fingerprint(xml), t.fingerprint);
}

TEST(FingerprintText, WithoutScanLine) {
  Fingerprint f = parse_subject_fingerprint("SEQ(SP=104%GCD=1)T1(R=Y%DF=Y)");
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_EQ(format_lines(f), "SEQ(SP=104%GCD=1)\nT1(R=Y%DF=Y)\n");
  EXPECT_TRUE(parse_subject_text("SEQ(SP=104%GCD=1)").scan.name.empty());
}

TEST(FingerprintText, RepeatedLinesOfSeveralTriesAreKept) {
  Fingerprint f = parse_subject_fingerprint("T2(R=N)\nT2(R=Y%DF=Y)\n");
  ASSERT_EQ(f.lines.size(), 2u);
  EXPECT_EQ(f.line("T2")->tests.size(), 1u);  // the first
}

std::string error_of(const std::string& text) {
  try {
    parse_subject_text(text);
  } catch (const UsageError& e) {
    std::string what = e.what();
    EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    return what;
  }
  ADD_FAILURE() << "no error for: " << text;
  return {};
}

TEST(FingerprintText, MalformedInputs) {
  EXPECT_EQ(error_of(""), "bad OS fingerprint text: no fingerprint lines; expected SCAN(...)SEQ(...)... as nmap prints it");
  EXPECT_EQ(error_of("OS:SEQ(SP=1\nT1(R=Y)"),
            "bad OS fingerprint text: row 2 \"T1(R=Y)\" does not start with OS:; expected every row of a wrapped "
            "fingerprint to");
  EXPECT_EQ(error_of("SEQ(SP=1"), "bad OS fingerprint text: line SEQ has no closing ')'");
  EXPECT_EQ(error_of("SEQ(SP=1)junk"), "bad OS fingerprint text: text \"junk\" has no '('; expected LINE(TEST=VALUE%...)");
  EXPECT_EQ(error_of("XYZ(A=1)"),
            "bad OS fingerprint text: unknown line XYZ; expected SCAN, SEQ, OPS, WIN, ECN, T1-T7, U1 or IE");
  EXPECT_EQ(error_of("SEQ(SP)"), "bad OS fingerprint text: test \"SP\" in line SEQ; expected TEST=VALUE");
  EXPECT_EQ(error_of("SEQ(SP=1%SP=2)"), "bad OS fingerprint text: test SEQ.SP appears twice");
  EXPECT_EQ(error_of("SEQ(SP=1%)"), "bad OS fingerprint text: line SEQ ends in '%'; expected another TEST=VALUE");
  EXPECT_EQ(error_of("SCAN(V=7.93)"), "bad OS fingerprint text: no test lines; expected SEQ(...), OPS(...), ... after SCAN");
  EXPECT_EQ(error_of("SCAN(V=1)SCAN(V=2)SEQ(SP=1)"), "bad OS fingerprint text: two SCAN lines; expected one");
  EXPECT_THAT(error_of("S EQ(SP=1)"), HasSubstr("bad line name \"S EQ\""));
}

TEST(FingerprintText, ScanLine) {
  ScanLineInfo info;
  info.when = 1764567600;  // 2025-12-01 05:40 UTC
  info.open_tcp_port = 22;
  info.closed_tcp_port = 1;
  info.closed_udp_port = 40000;
  info.private_address = true;
  info.distance = 1;
  info.distance_method = 'D';
  info.mac_prefix = std::array<uint8_t, 3>{0x02, 0x00, 0xab};
  std::string text = format_line(scan_line(info));
  EXPECT_THAT(text, ::testing::MatchesRegex(
      "SCAN\\(V=7\\.93%E=4%D=1?[0-9]/[0-9]+%OT=22%CT=1%CU=40000%PV=Y%DS=1%DC=D%G=Y%M=0200AB%TM=692D2A30%P=x86_64-pc-linux-gnu\\)"));
  ScanLineInfo bare;
  bare.when = 16;
  bare.good = false;
  EXPECT_THAT(format_line(scan_line(bare)), HasSubstr("%OT=%CT=%CU=%PV=N%G=N%TM=10%P="));
}

TEST(FingerprintText, MergeTriesKeepsLinesThatDifferInTheirTests) {
  Fingerprint a = parse_subject_fingerprint("SEQ(SP=1%GCD=1)\nT2(R=N)\nIE(R=Y)\n");
  Fingerprint b = parse_subject_fingerprint("SEQ(SP=2%GCD=1)\nT2(R=Y%DF=Y)\nT1(R=Y)\n");
  std::vector<Fingerprint> tries{a, b};
  // SEQ of try 2 has the same tests as try 1's (values are not compared): dropped.
  EXPECT_EQ(format_lines(merge_tries(tries)), "SEQ(SP=1%GCD=1)\nT1(R=Y)\nT2(R=N)\nT2(R=Y%DF=Y)\nIE(R=Y)\n");
}

}  // namespace
}  // namespace portsweep::os
