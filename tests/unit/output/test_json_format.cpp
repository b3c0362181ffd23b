#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <variant>

#include "output/format_registry.hpp"
#include "output/host_table.hpp"
#include "sample_scan.hpp"

namespace portsweep::test {
namespace {

// Just enough JSON to read back one flat object of strings and integers.
using Value = std::variant<std::string, long long>;

std::map<std::string, Value> parse_flat_object(const std::string& line) {
  std::map<std::string, Value> out;
  std::size_t i = 0;
  auto fail = [&](const char* what) {
    throw std::runtime_error(std::string(what) + " at " + std::to_string(i) + " in " + line);
  };
  auto expect = [&](char c) {
    if (i >= line.size() || line[i] != c) fail("unexpected character");
    ++i;
  };
  auto parse_string = [&] {
    expect('"');
    std::string s;
    while (i < line.size() && line[i] != '"') {
      if (line[i] == '\\') {
        ++i;
        if (i >= line.size()) fail("bad escape");
        switch (line[i]) {
          case 'n': s += '\n'; break;
          case 't': s += '\t'; break;
          case 'r': s += '\r'; break;
          case 'u': s += static_cast<char>(std::stoi(line.substr(i + 1, 4), nullptr, 16)); i += 4; break;
          default: s += line[i];
        }
        ++i;
      } else {
        s += line[i++];
      }
    }
    expect('"');
    return s;
  };
  expect('{');
  while (true) {
    const std::string key = parse_string();
    expect(':');
    if (line[i] == '"') {
      out[key] = parse_string();
    } else {
      std::size_t used = 0;
      out[key] = std::stoll(line.substr(i), &used);
      i += used;
    }
    if (line[i] == ',') {
      ++i;
      continue;
    }
    expect('}');
    break;
  }
  if (i != line.size()) fail("trailing text");
  return out;
}

TEST(JsonFormat, OneLinePerResultWithAllFields) {
  TempDir dir;
  const std::string path = dir.file("scan.jsonl");
  const auto results = sample_results();
  {
    auto w = make_writer("json", path);
    run_scan(*w, sample_info(), results, sample_summary());
  }
  const auto lines = result_lines(read_file(path));
  ASSERT_EQ(lines.size(), results.size());
  const auto first = parse_flat_object(lines[0]);
  EXPECT_EQ(std::get<std::string>(first.at("ip")), "198.19.0.3");
  EXPECT_EQ(std::get<std::string>(first.at("proto")), "tcp");
  EXPECT_EQ(std::get<long long>(first.at("port")), 88);
  EXPECT_EQ(std::get<std::string>(first.at("state")), "open");
  EXPECT_EQ(std::get<std::string>(first.at("reason")), "syn-ack");
  EXPECT_EQ(std::get<long long>(first.at("ttl")), 128);
  EXPECT_EQ(std::get<std::string>(first.at("time")), "2026-11-21T19:00:00.002500Z");
  EXPECT_EQ(first.count("service"), 0u);  // 88/tcp has no name in the sample table

  const auto second = parse_flat_object(lines[1]);
  EXPECT_EQ(std::get<std::string>(second.at("ip")), "198.19.0.5");
  EXPECT_EQ(std::get<long long>(second.at("port")), 22);
  EXPECT_EQ(std::get<std::string>(second.at("service")), "ssh");

  // Every line parses and mirrors its result.
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const auto obj = parse_flat_object(lines[n]);
    EXPECT_EQ(std::get<long long>(obj.at("port")), results[n].port);
    EXPECT_EQ(std::get<std::string>(obj.at("state")), to_string(results[n].state));
  }
}

TEST(JsonFormat, LinesReachTheFileAtEachFlushAndBatch) {
  TempDir dir;
  const std::string path = dir.file("live.jsonl");
  auto w = make_writer("J", path);
  ScanInfo info = sample_info();
  w->begin(info);
  PortResult r{ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}};
  w->on_result(r);
  EXPECT_EQ(read_file(path), "");  // the start record and results are batched
  w->flush();
  EXPECT_EQ(result_lines(read_file(path)).size(), 1u);
  for (int n = 0; n < 300; ++n) w->on_result(r);
  // A full batch is written without waiting for the timer.
  EXPECT_GE(result_lines(read_file(path)).size(), 257u);
}

TEST(JsonFormat, DestroyingTheWriterKeepsPendingLines) {
  TempDir dir;
  const std::string path = dir.file("dropped.jsonl");
  {
    auto w = make_writer("json", path);
    w->begin(sample_info());
    w->on_result({ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  }
  EXPECT_EQ(result_lines(read_file(path)).size(), 1u);
}

TEST(JsonFormat, OpenOnlySkipsClosedPorts) {
  TempDir dir;
  const std::string path = dir.file("open.jsonl");
  ScanInfo info = sample_info();
  info.open_only = true;
  {
    auto w = make_writer("json", path);
    run_scan(*w, info, sample_results(), sample_summary());
  }
  // 22, 80, 53/udp on .5 and 88 on .3.
  EXPECT_EQ(result_lines(read_file(path)).size(), 4u);
}

TEST(JsonFormat, ServiceNamesAreEscaped) {
  TempDir dir;
  const std::string path = dir.file("esc.jsonl");
  ScanInfo info = sample_info();
  info.service_name = [](uint16_t, Proto) -> std::string_view { return "we\"ird\\name\n"; };
  {
    auto w = make_writer("json", path);
    w->begin(info);
    w->on_result({ip(10, 0, 0, 1), 22, Proto::Tcp, PortState::Open, Reason::SynAck, 64, kStartUs, 0, {}});
  }
  const auto obj = parse_flat_object(result_lines(read_file(path)).at(0));
  EXPECT_EQ(std::get<std::string>(obj.at("service")), "we\"ird\\name\n");
}

// The first line says what the scan was (for `merge`, which shard of which
// scan); the last whether it ran to its end.
TEST(JsonFormat, StartAndEndRecordsFrameTheResults) {
  TempDir dir;
  for (const bool stopped : {false, true}) {
    const std::string path = dir.file(stopped ? "stopped.jsonl" : "whole.jsonl");
    ScanInfo info = sample_info();
    info.shard = "2/4";
    info.seed = 18446744073709551615ull;
    ScanSummary summary = sample_summary();
    if (stopped) summary.error = "interrupted";
    summary.packets_sent = 7;
    {
      auto w = make_writer("json", path);
      run_scan(*w, info, sample_results(), summary);
    }
    const auto lines = lines_of(read_file(path));
    ASSERT_EQ(lines.size(), sample_results().size() + 2);
    const auto start = nlohmann::json::parse(lines.front());
    EXPECT_EQ(start.at("scan"), "start");
    EXPECT_EQ(start.at("args"), info.args);
    EXPECT_EQ(start.at("shard"), "2/4");
    EXPECT_EQ(start.at("seed").get<uint64_t>(), 18446744073709551615ull);
    EXPECT_EQ(start.at("targets").get<uint64_t>(), info.num_targets);
    ASSERT_EQ(start.at("scans").size(), info.scans.size());
    EXPECT_EQ(start.at("scans")[1].at("proto"), "udp");
    EXPECT_EQ(start.at("scans")[1].at("unanswered"), "open|filtered");
    EXPECT_EQ(start.at("scans")[0].at("count").get<uint32_t>(), info.scans[0].num_services);
    const auto end = nlohmann::json::parse(lines.back());
    EXPECT_EQ(end.at("scan"), "end");
    EXPECT_EQ(end.at("status"), stopped ? "stopped" : "complete");
    EXPECT_EQ(end.contains("error"), stopped);
    EXPECT_EQ(end.at("packets_sent").get<uint64_t>(), 7u);
  }
}

}  // namespace
}  // namespace portsweep::test
