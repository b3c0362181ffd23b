#include "output/output_set.hpp"

#include <chrono>
#include <exception>

namespace portsweep {

namespace {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void OutputSet::add(std::unique_ptr<OutputFormat> writer) {
  std::lock_guard lock(mutex_);
  writers_.push_back(std::move(writer));
}

void OutputSet::begin(const ScanInfo& info) {
  std::lock_guard lock(mutex_);
  ScanInfo started = info;
  if (started.start_time_us == 0) started.start_time_us = now_us();
  table_.emplace(ReportPolicy::for_scan(started));
  for (auto& w : writers_) w->begin(started);
  for (const std::string& line : early_messages_) {
    for (auto& w : writers_) w->on_message(line);
  }
  early_messages_.clear();
}

void OutputSet::on_message(std::string line) {
  std::lock_guard lock(mutex_);
  if (!table_) {
    early_messages_.push_back(std::move(line));
    return;
  }
  for (auto& w : writers_) w->on_message(line);
}

void OutputSet::on_result(const PortResult& r) {
  std::lock_guard lock(mutex_);
  add_result(r);
  for (auto& w : writers_) w->on_result(r);
}

void OutputSet::on_results(std::span<const PortResult> batch) {
  std::lock_guard lock(mutex_);
  for (const PortResult& r : batch) {
    add_result(r);
    for (auto& w : writers_) w->on_result(r);
  }
}

bool OutputSet::on_port_update(const PortResult& r) {
  std::lock_guard lock(mutex_);
  if (!table_->update(r)) return false;
  for (auto& w : writers_) w->on_result(r);
  return true;
}

// A new host in the table is a host found up: its name lookup starts now,
// so it overlaps the rest of the scan. The table's size tells, with no
// second lookup per result.
void OutputSet::add_result(const PortResult& r) {
  const std::size_t before = table_->hosts_up();
  table_->add(r);
  if (names_ && table_->hosts_up() != before) names_->host_found(r.ip);
}

void OutputSet::on_host_up(const HostUp& h) {
  std::lock_guard lock(mutex_);
  const std::size_t before = table_->hosts_up();
  table_->add_host(h);
  if (names_ && table_->hosts_up() != before) names_->host_found(h.ip);
  for (auto& w : writers_) w->on_host_up(h);
}

void OutputSet::on_host_up_again(const HostUp& h) {
  std::lock_guard lock(mutex_);
  table_->add_host(h);
}

void OutputSet::on_task(const TaskEvent& t) {
  std::lock_guard lock(mutex_);
  for (auto& w : writers_) w->on_task(t);
}

void OutputSet::on_trace(const IpAddress& ip, std::vector<TraceHop> hops) {
  std::lock_guard lock(mutex_);
  for (auto& w : writers_) w->on_trace(ip, hops);
  table_->set_trace(ip, std::move(hops));
}

void OutputSet::on_service(const ServiceResult& s) {
  std::lock_guard lock(mutex_);
  table_->set_service(s);
  for (auto& w : writers_) w->on_service(s);
}

void OutputSet::on_os(OsReport os) {
  std::lock_guard lock(mutex_);
  for (auto& w : writers_) w->on_os(os);
  table_->set_os(std::move(os));
}

void OutputSet::on_os_hint(OsHint hint) {
  std::lock_guard lock(mutex_);
  for (auto& w : writers_) w->on_os_hint(hint);
  table_->set_os_hint(std::move(hint));
}

void OutputSet::flush() {
  std::lock_guard lock(mutex_);
  for (auto& w : writers_) w->flush();
}

void OutputSet::end(const ScanSummary& summary) {
  std::lock_guard lock(mutex_);
  if (!table_) table_.emplace();
  ScanSummary ended = summary;
  if (names_) {
    names_->settle();
    ended.names_of = [names = names_](const IpAddress& ip) { return names->names_of(ip); };
  }
  if (ended.end_time_us == 0) ended.end_time_us = now_us();
  std::exception_ptr first_error;
  for (auto& w : writers_) {
    try {
      w->end(*table_, ended);
    } catch (...) {
      if (!first_error) first_error = std::current_exception();
    }
  }
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace portsweep
