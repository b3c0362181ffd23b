#pragma once
// --packet-trace's sink: every frame a sweep sends or receives, one line
// each (packet/packet_trace.hpp), on one stream shared by the TX and RX
// threads. A debugging aid: a lock and a formatted line per packet, so the
// threads call it only when it is on (one branch per burst otherwise).
#include <mutex>
#include <ostream>
#include <string>

#include "engine/rate_limiter.hpp"
#include "io/packet_io.hpp"
#include "packet/packet_trace.hpp"

namespace portsweep {

class PacketTracer {
 public:
  explicit PacketTracer(std::ostream& out) : out_(out), start_ns_(monotonic_ns()) {}

  void sent(const TxFrame* frames, size_t n) {
    const double t = seconds();
    std::string lines;
    for (size_t i = 0; i < n; ++i) lines += packet_trace_line(frames[i].data, frames[i].len, true, t) + "\n";
    write(lines);
  }

  void received(const RxFrame* frames, size_t n) {
    const double t = seconds();
    std::string lines;
    for (size_t i = 0; i < n; ++i) lines += packet_trace_line(frames[i].data, frames[i].len, false, t) + "\n";
    write(lines);
  }

 private:
  double seconds() const { return static_cast<double>(monotonic_ns() - start_ns_) * 1e-9; }
  void write(const std::string& lines) {
    std::lock_guard lock(mutex_);
    out_ << lines << std::flush;
  }

  std::ostream& out_;
  int64_t start_ns_;
  std::mutex mutex_;
};

}  // namespace portsweep
