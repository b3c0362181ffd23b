#include "io/dpdk_eal.hpp"

#include <dlfcn.h>
#include <pthread.h>
#include <sched.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>

#include "common/error.hpp"

namespace portsweep::dpdk {

namespace {

enum class EalState { NotStarted, Running, Stopped };
std::atomic<EalState> g_state{EalState::NotStarted};

// A registered thread's lcore, released when the thread exits (if EAL is
// still up then; after cleanup there is nothing left to release).
struct ThreadLcore {
  bool tried = false;
  bool registered = false;
  ~ThreadLcore() {
    if (registered && g_state.load() == EalState::Running) rte_thread_unregister();
  }
};
thread_local ThreadLcore t_lcore;

std::mutex g_bpf_mu;
std::string g_bpf_message;

int keep_bpf_message(int /*level*/, const char* format, va_list ap) {
  char line[512];
  int n = std::vsnprintf(line, sizeof line, format, ap);
  std::lock_guard lock(g_bpf_mu);
  g_bpf_message = line;
  while (!g_bpf_message.empty() &&
         (g_bpf_message.back() == '\n' || g_bpf_message.back() == ' ')) {
    g_bpf_message.pop_back();
  }
  return n;
}

}  // namespace

void start_eal(const std::vector<std::string>& args) {
  EalState expected = EalState::NotStarted;
  if (!g_state.compare_exchange_strong(expected, EalState::Running)) {
    throw RuntimeFailure(
        "DPDK was already started in this process; it can only be started once.");
  }
  std::vector<std::string> copy = args;  // EAL may permute argv
  std::vector<char*> argv;
  for (auto& a : copy) argv.push_back(a.data());
  argv.push_back(nullptr);

  cpu_set_t affinity;
  bool have_affinity = pthread_getaffinity_np(pthread_self(), sizeof affinity, &affinity) == 0;
  // EAL's log goes to stdout and syslog unless given a stream; stdout is where
  // the scan's report goes.
  rte_openlog_stream(stderr);
  int rc = rte_eal_init(static_cast<int>(argv.size() - 1), argv.data());
  if (have_affinity) pthread_setaffinity_np(pthread_self(), sizeof affinity, &affinity);
  if (rc < 0) {
    g_state.store(EalState::Stopped);  // DPDK cannot be initialised twice, even after a failure
    std::string line;
    for (const auto& a : args) line += (line.empty() ? "" : " ") + a;
    throw RuntimeFailure("cannot start DPDK with \"" + line + "\": " + rte_strerror(rte_errno) +
                         ".");
  }
}

void stop_eal() noexcept {
  EalState expected = EalState::Running;
  if (g_state.compare_exchange_strong(expected, EalState::Stopped)) rte_eal_cleanup();
}

bool eal_used() noexcept { return g_state.load() != EalState::NotStarted; }

bool eal_running() noexcept { return g_state.load(std::memory_order_relaxed) == EalState::Running; }

void ensure_dpdk_thread() noexcept {
  ThreadLcore& t = t_lcore;
  if (t.tried) return;
  t.tried = true;
  if (rte_lcore_id() != LCORE_ID_ANY) return;  // EAL's own main thread
  // On failure (lcore ids exhausted) the thread still works, without caches.
  t.registered = rte_thread_register() == 0;
}

void quiet_bpf_libraries() noexcept {
  // Looked up at run time: the libraries are there only when DPDK loaded its
  // AF_XDP driver, and portsweep itself does not link them.
  // EAL loads drivers privately (RTLD_LOCAL), so ask for each library by name.
  using PrintFn = int (*)(int, const char*, va_list);
  using SetPrintFn = PrintFn (*)(PrintFn);
  const char* libs[][2] = {{"libbpf.so.1", "libbpf_set_print"}, {"libxdp.so.1", "libxdp_set_print"}};
  for (const auto& [lib, fn] : libs) {
    void* handle = dlopen(lib, RTLD_NOW | RTLD_NOLOAD);
    if (handle == nullptr) continue;
    if (void* sym = dlsym(handle, fn)) reinterpret_cast<SetPrintFn>(sym)(&keep_bpf_message);
    dlclose(handle);
  }
}

std::string last_bpf_message() {
  std::lock_guard lock(g_bpf_mu);
  return g_bpf_message;
}

}  // namespace portsweep::dpdk
