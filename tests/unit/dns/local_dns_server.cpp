#include "local_dns_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <stdexcept>

namespace portsweep::test {

namespace {

constexpr uint16_t kTypePtr = 12;
constexpr uint16_t kClassIn = 1;

uint16_t get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

void put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// The question's name at `pos` (uncompressed, as a query's is); advances
// `pos` past it. Empty on anything malformed.
std::string read_name(const uint8_t* msg, std::size_t len, std::size_t& pos) {
  std::string name;
  while (pos < len) {
    const uint8_t n = msg[pos++];
    if (n == 0) return name.empty() ? "." : name;
    if (n > 63 || pos + n > len) return {};
    if (!name.empty()) name += '.';
    for (uint8_t i = 0; i < n; ++i) name += static_cast<char>(std::tolower(msg[pos + i]));
    pos += n;
  }
  return {};
}

void put_name(std::vector<uint8_t>& out, const std::string& name) {
  std::size_t start = 0;
  while (start < name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    out.push_back(static_cast<uint8_t>(dot - start));
    out.insert(out.end(), name.begin() + static_cast<std::ptrdiff_t>(start), name.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
}

}  // namespace

LocalDnsServer::LocalDnsServer(std::map<std::string, std::string> ptr) : ptr_(std::move(ptr)) {
  fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error("LocalDnsServer: socket failed");
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
    ::close(fd_);
    throw std::runtime_error("LocalDnsServer: bind failed");
  }
  port_ = ntohs(sa.sin_port);
  thread_ = std::thread([this] { serve(); });
}

LocalDnsServer::~LocalDnsServer() {
  stop_ = true;
  thread_.join();
  ::close(fd_);
}

std::string LocalDnsServer::address() const { return "127.0.0.1:" + std::to_string(port_); }

std::vector<std::string> LocalDnsServer::asked() const {
  std::lock_guard lock(mutex_);
  return asked_;
}

void LocalDnsServer::serve() {
  uint8_t msg[1500];
  while (!stop_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    sockaddr_in from{};
    socklen_t from_len = sizeof from;
    const ssize_t n = ::recvfrom(fd_, msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n < 12 || get16(msg + 4) != 1) continue;  // one question, as resolvers ask
    const auto len = static_cast<std::size_t>(n);
    std::size_t pos = 12;
    const std::string qname = read_name(msg, len, pos);
    if (qname.empty() || pos + 4 > len) continue;
    const uint16_t qtype = get16(msg + pos);
    const uint16_t qclass = get16(msg + pos + 2);
    pos += 4;
    {
      std::lock_guard lock(mutex_);
      asked_.push_back(qname);
    }
    const auto it = ptr_.find(qname);
    const bool answer = qtype == kTypePtr && qclass == kClassIn && it != ptr_.end();
    // The query's id and question, then the answer (a pointer to the question's name).
    std::vector<uint8_t> out(msg, msg + 2);
    put16(out, answer ? 0x8180 : 0x8183);  // response, recursion desired and available; NOERROR or NXDOMAIN
    put16(out, 1);
    put16(out, answer ? 1 : 0);
    put16(out, 0);
    put16(out, 0);
    out.insert(out.end(), msg + 12, msg + pos);
    if (answer) {
      put16(out, 0xC00C);
      put16(out, kTypePtr);
      put16(out, kClassIn);
      put16(out, 0);
      put16(out, 60);  // TTL
      std::vector<uint8_t> rdata;
      put_name(rdata, it->second);
      put16(out, static_cast<uint16_t>(rdata.size()));
      out.insert(out.end(), rdata.begin(), rdata.end());
    }
    ::sendto(fd_, out.data(), out.size(), 0, reinterpret_cast<sockaddr*>(&from), from_len);
  }
}

}  // namespace portsweep::test
