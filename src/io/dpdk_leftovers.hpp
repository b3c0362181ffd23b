#pragma once
// What a DPDK run leaves on the machine, and how the next run clears it.
//
// Every run owns /var/run/dpdk/portsweep-<pid> (EAL's runtime directory, via
// --file-prefix) and writes an owner record there before EAL starts: its pid
// and start time (a recycled pid is not mistaken for it), its network
// namespace, and the interface it attached an XDP program to. A clean exit
// or Ctrl-C removes the directory; a killed run cannot, so each start looks
// for directories whose owner is gone, detaches the XDP program it left (when
// the interface is in our namespace) and removes them.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace portsweep {

inline constexpr const char* kDpdkRuntimeRoot = "/var/run/dpdk";

struct RunOwner {
  long pid = 0;
  uint64_t start_time = 0;  // /proc/<pid>/stat field 22: clock ticks after boot
  uint64_t netns = 0;       // inode of the run's /proc/self/ns/net
  int ifindex = 0;
  std::string iface;
  bool xdp = false;         // an XDP program was (or may have been) attached
};

std::string format_run_owner(const RunOwner& owner);
// nullopt for text that is not a complete record (a run killed mid-write).
std::optional<RunOwner> parse_run_owner(std::string_view text);

std::string runtime_prefix(long pid);  // "portsweep-<pid>"
// The pid in a "portsweep-<pid>" directory name; nullopt for other names.
std::optional<long> pid_of_prefix(std::string_view name);

// The machine's state as the judge sees it; tests pass their own.
struct SystemView {
  // Start time of a running process; nullopt when there is no such process.
  std::function<std::optional<uint64_t>(long pid)> process_start_time;
  uint64_t netns = 0;  // ours
  // True while a network namespace with this inode still exists.
  std::function<bool(uint64_t inode)> netns_exists;
};
SystemView live_system_view();

enum class LeftoverAction {
  Keep,               // its run is alive, or its interface is in a namespace we are not in
  Remove,             // nothing attached needs undoing
  DetachXdpAndRemove,
};

struct Leftover {
  std::string dir;
  std::optional<RunOwner> owner;
  LeftoverAction action = LeftoverAction::Keep;
};

LeftoverAction judge_leftover(long dir_pid, const std::optional<RunOwner>& owner,
                              const SystemView& system);

// Every portsweep-<pid> directory under `root` with the action it needs.
std::vector<Leftover> find_leftovers(const std::string& root, const SystemView& system);

// Applies the actions; returns one sentence per thing undone, for the user.
std::vector<std::string> clean_leftovers(const std::string& root, const SystemView& system);

// Creates root/portsweep-<pid> and writes the owner record into it. Throws
// RuntimeFailure naming the path when it cannot.
void write_run_owner(const std::string& root, const RunOwner& owner);

// Removes root/portsweep-<pid> and everything in it, then root itself if that
// left it empty. Never throws.
void remove_runtime_dir(const std::string& root, long pid) noexcept;

uint64_t current_netns();

}  // namespace portsweep
