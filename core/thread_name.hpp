// Names the calling thread, so that `top -H`, `ps -L`, `perf` and bench/thread_costs.sh show
// which of the server's threads is busy (the I/O threads, the workers, the SQLite writer…).
#pragma once

#include <string_view>

namespace twostep::core {

/// Sets the calling thread's name (Linux keeps 15 bytes; longer names are cut). Never call
/// it on the process's main thread: its name is the process name `ps` and `pkill` see.
void name_this_thread(std::string_view name);

}  // namespace twostep::core
