#pragma once
// GCC/Clang's 128-bit integer; __extension__ keeps -Wpedantic quiet about it.
namespace portsweep {
__extension__ using u128 = unsigned __int128;
}  // namespace portsweep
