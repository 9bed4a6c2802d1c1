// Runs one coroutine to completion on a private io_context: how the command-line tools call
// the asynchronous client code.
#pragma once

#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "core/error.hpp"

namespace twostep::client {

/// `make_task(io)` returns the coroutine; an exception escaping it becomes kInternal
/// "request_failed".
template <class T, class MakeTask>
core::Result<T> run_blocking(MakeTask&& make_task) {
  boost::asio::io_context io;
  std::optional<core::Result<T>> outcome;
  boost::asio::co_spawn(io, std::forward<MakeTask>(make_task)(io),
                        [&outcome](std::exception_ptr error, core::Result<T> result) {
                          if (error) {
                            outcome = core::fail(core::ErrorKind::kInternal, "request_failed",
                                                 "the request failed unexpectedly");
                          } else {
                            outcome = std::move(result);
                          }
                        });
  io.run();
  return std::move(*outcome);
}

}  // namespace twostep::client
