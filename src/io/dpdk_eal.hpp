#pragma once
// DPDK's EAL as a process-wide session. EAL can be initialised once per
// process and never again after rte_eal_cleanup(), so one DpdkIo may exist
// per process; a second open is refused with a clear message.
//
// The scan's TX and RX threads are std::threads, not EAL lcores: each calls
// ensure_dpdk_thread() on entry to the backend, which registers it as a
// non-EAL lcore (rte_thread_register) the first time. That gives it an lcore
// id, and with it a per-lcore cache in every mempool: without one each mbuf
// allocation and free would go to the pool's shared ring (an atomic
// compare-and-swap per bulk, contended between the TX thread and the RX thread
// that share an AF_XDP UMEM). The registration is undone when the thread
// exits, so passes that start fresh threads never run out of lcore ids.
#include <string>
#include <vector>

namespace portsweep::dpdk {

// Starts EAL with argv (argv[0] included). The calling thread's CPU
// affinity is restored afterwards: EAL pins its main lcore, and every thread
// the engine starts later would inherit that single CPU. Throws
// RuntimeFailure with EAL's reason, or when EAL already ran in this process.
void start_eal(const std::vector<std::string>& args);

// rte_eal_cleanup(); idempotent.
void stop_eal() noexcept;

bool eal_running() noexcept;
// True once start_eal was called in this process, whatever came of it.
bool eal_used() noexcept;

// Registers the calling thread with EAL if it is not an lcore yet (cheap
// after the first call: one thread-local read).
void ensure_dpdk_thread() noexcept;

// libbpf and libxdp (loaded with the AF_XDP driver) print notices such as
// "No bpffs found" on stderr. This keeps the last one instead, for an error
// message that needs it, and prints nothing.
void quiet_bpf_libraries() noexcept;
std::string last_bpf_message();

}  // namespace portsweep::dpdk
