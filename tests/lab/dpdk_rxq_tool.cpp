// portsweep-dpdk-rxq IFACE SRC_IP DST_MAC CIDR PORTS RATE RX_QUEUES WAIT_S:
// a small SYN sweep through the DPDK backend with RX_QUEUES receive queues,
// each read by its own thread through recv_queue_burst, as the engine's RX
// threads will read them. It sends one SYN from SRC_IP:61000 to every
// address of CIDR and every port of PORTS (comma-separated) at RATE per
// second on TX queue 0, to DST_MAC (the next hop), then listens WAIT_S more
// seconds. Prints "queue R FRAMES" per receive queue, every answer once as
// "ADDRESS PORT open|closed" (SYN-ACK or RST), and the backend's counters
// ("counter NAME VALUE"). A lab test tool (dpdk_rxq.sh): not installed.
#include <arpa/inet.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "io/mac_addr.hpp"
#include "io/packet_io.hpp"
#include "packet/checksum.hpp"
#include "packet/packet_decoder.hpp"
#include "packet/wire.hpp"

namespace {

using namespace portsweep;

constexpr uint16_t kSourcePort = 61000;
constexpr size_t kSynLen = 54;

// Ethernet + IPv4 + TCP SYN, no options.
void write_syn(uint8_t* f, const MacAddr& src_mac, const MacAddr& dst_mac, uint32_t src,
               uint32_t dst, uint16_t port) {
  std::memset(f, 0, kSynLen);
  std::memcpy(f, dst_mac.bytes.data(), 6);
  std::memcpy(f + 6, src_mac.bytes.data(), 6);
  wire::store_be16(f + 12, 0x0800);
  uint8_t* ip = f + 14;
  ip[0] = 0x45;
  wire::store_be16(ip + 2, 40);
  ip[8] = 64;
  ip[9] = 6;
  wire::store_be32(ip + 12, src);
  wire::store_be32(ip + 16, dst);
  wire::store_be16(ip + 10, internet_checksum(ip, 20));
  uint8_t* tcp = ip + 20;
  wire::store_be16(tcp, kSourcePort);
  wire::store_be16(tcp + 2, port);
  wire::store_be32(tcp + 4, dst ^ port);
  tcp[12] = 5 << 4;
  tcp[13] = 0x02;  // SYN
  wire::store_be16(tcp + 14, 1024);
  wire::store_be16(tcp + 16, internet_checksum(tcp, 20, pseudo_header_sum(src, dst, 6, 20)));
}

// "02:50:53:00:00:02".
bool parse_mac(const std::string& text, MacAddr& mac) {
  unsigned b[6];
  if (std::sscanf(text.c_str(), "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3], &b[4],
                  &b[5]) != 6) {
    return false;
  }
  for (int i = 0; i < 6; ++i) mac.bytes[i] = static_cast<uint8_t>(b[i]);
  return true;
}

struct Answer {
  uint32_t address;
  uint16_t port;
  bool open;
  bool operator<(const Answer& o) const {
    return address != o.address ? address < o.address : port < o.port;
  }
};

// A SYN-ACK or RST to our source port, or nothing.
bool parse_answer(const RxFrame& f, Answer& a) {
  DecodedPacket d;
  if (decode_ethernet(f.data, f.len, d, {.wire_len = f.wire_len}) != DecodeStatus::Ok) return false;
  if (d.ip_version != 4 || d.ip_proto != 6 || d.dst_port != kSourcePort) return false;
  a.address = d.src_ip;
  a.port = d.src_port;
  if ((d.tcp_flags & 0x12) == 0x12) {
    a.open = true;
  } else if (d.tcp_flags & 0x04) {
    a.open = false;
  } else {
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 9) {
    std::cerr << "usage: portsweep-dpdk-rxq IFACE SRC_IP DST_MAC CIDR PORTS RATE RX_QUEUES WAIT_S\n";
    return 2;
  }
  in_addr src{}, net{};
  const std::string cidr = argv[4];
  const size_t slash = cidr.find('/');
  MacAddr dst_mac;
  if (inet_pton(AF_INET, argv[2], &src) != 1 || slash == std::string::npos ||
      inet_pton(AF_INET, cidr.substr(0, slash).c_str(), &net) != 1 || !parse_mac(argv[3], dst_mac)) {
    std::cerr << "portsweep-dpdk-rxq: bad address, network or MAC\n";
    return 2;
  }
  const int prefix = std::stoi(cidr.substr(slash + 1));
  std::vector<uint16_t> ports;
  for (std::string rest = argv[5]; !rest.empty();) {
    size_t comma = rest.find(',');
    ports.push_back(static_cast<uint16_t>(std::stoi(rest.substr(0, comma))));
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  const double rate = std::stod(argv[6]);
  const unsigned rx_queues = static_cast<unsigned>(std::stoul(argv[7]));
  const int wait_s = std::stoi(argv[8]);
  const uint32_t source = ntohl(src.s_addr);
  const uint32_t first = ntohl(net.s_addr) & (prefix == 0 ? 0u : ~0u << (32 - prefix));
  const uint64_t hosts = uint64_t{1} << (32 - prefix);
  try {
    IoConfig config;
    config.backend = "dpdk";
    config.iface = argv[1];
    config.tx_queues = 1 + rx_queues;  // one TX thread, an answer queue per RX thread
    config.rx_queues = rx_queues;
    config.local_ip = source;
    config.rx_filter = "tcp and dst host " + std::string(argv[2]);
    auto io = open_packet_io(config);
    const unsigned queues = io->rx_queues();
    std::printf("ready rx_queues %u\n", queues);
    std::fflush(stdout);

    std::atomic<bool> stop{false};
    std::vector<std::vector<Answer>> answers(queues);
    std::vector<uint64_t> frames(queues, 0);
    std::vector<std::thread> rx;
    for (unsigned r = 0; r < queues; ++r) {
      rx.emplace_back([&, r] {
        RxFrame burst[256];
        while (!stop.load(std::memory_order_relaxed)) {
          size_t n = io->recv_queue_burst(r, burst, 256, 20);
          frames[r] += n;
          Answer a{};
          for (size_t i = 0; i < n; ++i)
            if (parse_answer(burst[i], a)) answers[r].push_back(a);
        }
      });
    }

    // Our MAC is the interface's (the backend sends from it).
    MacAddr src_mac;
    const std::string mac_path = "/sys/class/net/" + std::string(argv[1]) + "/address";
    if (FILE* f = std::fopen(mac_path.c_str(), "r")) {
      char text[32] = {};
      if (std::fgets(text, sizeof text, f) == nullptr || !parse_mac(text, src_mac)) {
        std::fclose(f);
        throw RuntimeFailure("cannot read the MAC address in " + mac_path);
      }
      std::fclose(f);
    }
    // Address-major with the ports inside, paced to `rate` per second.
    std::vector<uint8_t> buffer(64 * kSynLen);
    TxFrame burst[64];
    const auto start = std::chrono::steady_clock::now();
    uint64_t sent = 0;
    const uint64_t total = hosts * ports.size();
    while (sent < total) {
      size_t n = 0;
      for (; n < 64 && sent + n < total; ++n) {
        uint64_t k = sent + n;
        write_syn(buffer.data() + n * kSynLen, src_mac, dst_mac, source,
                  first + static_cast<uint32_t>(k / ports.size()), ports[k % ports.size()]);
        burst[n] = TxFrame{buffer.data() + n * kSynLen, static_cast<uint16_t>(kSynLen)};
      }
      size_t done = 0;
      while (done < n) {
        done += io->send_burst(0, burst + done, n - done);
        if (done < n) std::this_thread::yield();
      }
      sent += n;
      const auto due = start + std::chrono::duration<double>(static_cast<double>(sent) / rate);
      std::this_thread::sleep_until(due);
    }
    std::this_thread::sleep_for(std::chrono::seconds(wait_s));
    stop = true;
    for (auto& t : rx) t.join();
    const IoStats s = io->stats();
    io->close();

    std::set<Answer> unique;
    for (unsigned r = 0; r < queues; ++r) {
      std::printf("queue %u %llu\n", r, static_cast<unsigned long long>(frames[r]));
      unique.insert(answers[r].begin(), answers[r].end());
    }
    for (const Answer& a : unique) {
      in_addr addr{};
      addr.s_addr = htonl(a.address);
      char text[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &addr, text, sizeof text);
      std::printf("%s %u %s\n", text, a.port, a.open ? "open" : "closed");
    }
    std::printf("counter tx_packets %llu\n", static_cast<unsigned long long>(s.tx_packets));
    for (const auto& c : s.extra)
      std::printf("counter %s %llu\n", c.name.c_str(), static_cast<unsigned long long>(c.value));
    return 0;
  } catch (const UsageError& e) {
    std::cerr << "portsweep-dpdk-rxq: " << e.what() << "\n";
    return 77;  // built without DPDK
  } catch (const std::exception& e) {
    std::cerr << "portsweep-dpdk-rxq: " << e.what() << "\n";
    return 1;
  }
}
