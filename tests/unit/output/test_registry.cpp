#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include <string>

#include "common/error.hpp"
#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "output/output_set.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

TEST(FormatRegistry, BuiltinsByNameAndLetter) {
  for (const auto& [name, letter] :
       {std::pair{"normal", "N"}, {"xml", "X"}, {"grepable", "G"}, {"json", "J"}, {"skid", "S"}}) {
    const FormatInfo* by_name = find_format(name);
    ASSERT_NE(by_name, nullptr) << name;
    EXPECT_EQ(find_format(letter), by_name);
  }
  EXPECT_EQ(find_format("Q"), nullptr);
  // -oA writes these three; registration order is link order, not a contract.
  std::set<std::string> all;
  for (const FormatInfo* f : output_formats()) {
    if (f->in_all) all.insert(f->extension);
  }
  EXPECT_EQ(all, (std::set<std::string>{".nmap", ".xml", ".gnmap"}));
}

TEST(FormatRegistry, UnknownFormatIsAUsageError) {
  EXPECT_THROW(make_writer("html", "-"), UsageError);
}

TEST(FormatRegistry, UnwritablePathNamesThePath) {
  for (const char* format : {"normal", "xml", "grepable", "json"}) {
    const std::string path = "/nonexistent-portsweep-dir/out.txt";
    try {
      make_writer(format, path);
      ADD_FAILURE() << format << " opened " << path;
    } catch (const RuntimeFailure& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
    }
  }
}

// A format added from outside shows up like the built-in ones.
class CountingFormat final : public OutputFormat {
 public:
  explicit CountingFormat(int* results) : results_(results) {}
  void begin(const ScanInfo&) override {}
  void on_result(const PortResult&) override { ++*results_; }
  void end(const HostTable&, const ScanSummary&) override {}

 private:
  int* results_;
};

TEST(FormatRegistry, FormatsCanBeAdded) {
  static int results = 0;
  register_format({"counting", 'C', ".count", false, "test only",
                   [](const std::string&, const WriterOptions&) -> std::unique_ptr<OutputFormat> {
                     return std::make_unique<CountingFormat>(&results);
                   }});
  OutputSet set;
  set.add(make_writer("C", "-"));
  set.begin(sample_info());
  for (const PortResult& r : sample_results()) set.on_result(r);
  set.end(sample_summary());
  EXPECT_EQ(results, static_cast<int>(sample_results().size()));
  EXPECT_EQ(set.hosts().hosts_up(), 3u);
}

TEST(OutputSet, FeedsEveryWriterAndTheSharedTable) {
  setenv("TZ", "UTC", 1);
  tzset();
  TempDir dir;
  OutputSet set;
  set.add(make_writer("normal", dir.file("a.nmap")));
  set.add(make_writer("xml", dir.file("a.xml")));
  set.add(make_writer("grepable", dir.file("a.gnmap")));
  set.add(make_writer("json", dir.file("a.jsonl")));
  set.begin(sample_info());
  // One of 198.19.0.5's answers carries its round trip, as a sampled probe's does.
  std::vector<PortResult> results = sample_results();
  std::find_if(results.begin(), results.end(), [](const PortResult& r) { return r.ip == ip(198, 19, 0, 5); })->rtt_us = 120;
  for (const PortResult& r : results) set.on_result(r);
  set.flush();
  set.end(sample_summary());
  EXPECT_NE(read_file(dir.file("a.nmap")).find("Host is up (0.00012s latency)."), std::string::npos);
  EXPECT_NE(read_file(dir.file("a.xml")).find("</nmaprun>"), std::string::npos);
  EXPECT_NE(read_file(dir.file("a.gnmap")).find("# Portsweep done at"), std::string::npos);
  EXPECT_EQ(result_lines(read_file(dir.file("a.jsonl"))).size(), sample_results().size());
}

TEST(OutputSet, BatchesAndMissingTimes) {
  TempDir dir;
  OutputSet set;
  set.add(make_writer("xml", dir.file("b.xml")));
  ScanInfo info = sample_info();
  info.start_time_us = 0;  // taken as now
  set.begin(info);
  const auto results = sample_results();
  set.on_results(results);
  ScanSummary summary = sample_summary();
  summary.end_time_us = 0;
  summary.elapsed_s = -1;
  set.end(summary);
  EXPECT_EQ(set.hosts().hosts_up(), 3u);
  const std::string xml = read_file(dir.file("b.xml"));
  EXPECT_EQ(xml.find("start=\"0\""), std::string::npos);
  EXPECT_EQ(xml.find("time=\"0\""), std::string::npos);
  EXPECT_NE(xml.find("elapsed=\"0."), std::string::npos) << xml;
}

}  // namespace
}  // namespace portsweep::test
