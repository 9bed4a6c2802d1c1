#include "core/thread_name.hpp"

#include <pthread.h>

#include <string>

namespace twostep::core {

void name_this_thread(std::string_view name) {
  constexpr std::size_t kMaxLength = 15;  // the kernel's limit, without the terminating NUL
  const std::string cut(name.substr(0, kMaxLength));
  pthread_setname_np(pthread_self(), cut.c_str());  // a failure only leaves the old name
}

}  // namespace twostep::core
