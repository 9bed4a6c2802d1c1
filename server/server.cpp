// The listener, the I/O threads, and graceful shutdown.
#include "server/server.hpp"

#include <csignal>
#include <latch>
#include <memory>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "server/session.hpp"
#include "server/tls.hpp"

namespace twostep::server {
namespace {

// After an accept error (usually EMFILE) wait a little instead of spinning.
constexpr std::chrono::milliseconds kAcceptBackoff{100};
constexpr std::chrono::milliseconds kDrainPoll{20};

// Names each of the pool's `count` threads: every naming task waits until all have started,
// so no thread takes two of them.
void name_pool_threads(asio::thread_pool& pool, unsigned count, const char* name) {
  auto started = std::make_shared<std::latch>(count);
  for (unsigned i = 0; i < count; ++i) {
    asio::post(pool, [started, name] {
      core::name_this_thread(name);
      started->arrive_and_wait();
    });
  }
}

tcp::endpoint resolve_listen(const std::string& listen) {
  auto [host, port] = core::split_host_port(listen);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (!ec) return {address, port};
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty()) {
    throw core::ConfigError("listen address '" + listen + "' does not resolve");
  }
  return results.begin()->endpoint();
}

}  // namespace

void SessionRegistry::add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  sessions_.emplace(session.get(), session);
}

void SessionRegistry::remove(const Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

std::vector<std::shared_ptr<Session>> SessionRegistry::snapshot() {
  std::vector<std::shared_ptr<Session>> out;
  std::lock_guard lock(mutex_);
  for (const auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) out.push_back(std::move(session));
  }
  return out;
}

struct Server::Impl {
  Impl(const core::Config& config, const Router& router, Authenticator& authenticator,
       MetricsRegistry& metrics, core::Random& random, const core::Clock& clock,
       ServerOptions options_in)
      : options(options_in),
        ioc(static_cast<int>(config.io_threads)),
        ctx(config, router, authenticator, metrics, random),
        acceptor(ioc),
        signals(ioc),
        rejected(metrics.counter("twostep_connections_rejected_total",
                                 "Connections closed at once because the cap was reached")) {
    ctx.tls = make_tls_context(ensure_tls_files(config, random, clock));
    ctx.connections = std::make_shared<ConnectionLimiter>(
        max_connections_for_fd_limit(),
        metrics.gauge("twostep_open_connections", "Open client connections"));
    listen(resolve_listen(config.listen));
    if (options.handle_signals) {
      signals.add(SIGINT);
      signals.add(SIGTERM);
      signals.add(SIGHUP);
      wait_for_signal();
    }
  }

  void listen(const tcp::endpoint& endpoint) {
    boost::system::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      throw core::ConfigError("cannot listen on " + endpoint.address().to_string() + ":" +
                              std::to_string(endpoint.port()) + ": " + ec.message());
    }
    bound = acceptor.local_endpoint();
  }

  void wait_for_signal() {
    signals.async_wait([this](boost::system::error_code ec, int signal) {
      if (ec) return;
      if (signal == SIGHUP) {
        reload();
        wait_for_signal();
        return;
      }
      if (ctx.stopping) {
        core::log(core::LogLevel::kWarn, "second signal: stopping now");
        ioc.stop();
        return;
      }
      core::log(core::LogLevel::kInfo, "signal received", {{"signal", std::to_string(signal)}});
      begin_shutdown();
      wait_for_signal();
    });
  }

  // Runs the reload hooks off the I/O threads: they read files and may take a moment.
  void reload() {
    core::log(core::LogLevel::kInfo, "SIGHUP received: reloading");
    asio::post(ctx.workers, [this] {
      for (auto& hook : reload_hooks) {
        try {
          hook();
        } catch (const std::exception& e) {
          core::log(core::LogLevel::kError, "reload hook failed", {{"error", e.what()}});
        }
      }
    });
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer backoff(ioc);
    while (!ctx.stopping) {
      asio::any_io_executor strand = asio::make_strand(ioc);
      auto [ec, socket] =
          co_await acceptor.async_accept(strand, asio::as_tuple(asio::use_awaitable));
      if (ctx.stopping || ec == asio::error::operation_aborted) co_return;
      if (ec) {
        core::log(core::LogLevel::kWarn, "accept failed", {{"error", ec.message()}});
        backoff.expires_after(kAcceptBackoff);
        co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      admit(std::move(socket), strand);
    }
  }

  void admit(tcp::socket socket, const asio::any_io_executor& strand) {
    auto slot = ctx.connections->try_acquire();
    boost::system::error_code ignored;
    if (!slot) {
      rejected.increment();
      socket.close(ignored);
      return;
    }
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(ctx, std::move(socket), std::move(*slot));
    ctx.sessions.add(session);
    asio::co_spawn(strand, session->run(), asio::detached);
  }

  void begin_shutdown() {
    if (ctx.stopping.exchange(true)) return;
    core::log(core::LogLevel::kInfo, "shutting down",
              {{"open_connections", std::to_string(ctx.connections->open())}});
    boost::system::error_code ignored;
    acceptor.close(ignored);
    for (auto& hook : shutdown_hooks) {
      try {
        hook();
      } catch (const std::exception& e) {
        core::log(core::LogLevel::kError, "shutdown hook failed", {{"error", e.what()}});
      }
    }
    ctx.calls.complete_waiting(core::Error{core::ErrorKind::kUnavailable,
                                           "shutting_down",
                                           "the server is shutting down; retry shortly",
                                           {},
                                           std::chrono::seconds(1)});
    for (auto& session : ctx.sessions.snapshot()) session->shutdown();
    asio::co_spawn(ioc, drain(), asio::detached);
  }

  // Waits for open connections to finish, up to the grace period, then stops the loop.
  asio::awaitable<void> drain() {
    const auto deadline = std::chrono::steady_clock::now() + options.shutdown_grace;
    asio::steady_timer poll(ioc);
    while (ctx.connections->open() > 0 && std::chrono::steady_clock::now() < deadline) {
      poll.expires_after(kDrainPoll);
      co_await poll.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (ctx.connections->open() > 0) {
      core::log(core::LogLevel::kWarn, "grace period over, closing connections",
                {{"open_connections", std::to_string(ctx.connections->open())}});
    }
    boost::system::error_code ignored;
    signals.cancel(ignored);
    ioc.stop();
  }

  void run_io() {
    while (true) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        core::log(core::LogLevel::kError, "I/O thread caught an exception", {{"error", e.what()}});
      }
    }
  }

  // The process's main thread is the first I/O thread and keeps the process's name.
  void run() {
    name_pool_threads(ctx.workers, ctx.config.worker_threads, "worker");
    asio::co_spawn(ioc, accept_loop(), asio::detached);
    std::vector<std::jthread> threads;
    for (unsigned i = 1; i < ctx.config.io_threads; ++i) {
      threads.emplace_back([this] {
        core::name_this_thread("io");
        run_io();
      });
    }
    run_io();
    threads.clear();  // joins
    ctx.workers.join();
    ctx.calls.abandon_all();
    ignore_further_signals();
    core::log(core::LogLevel::kInfo, "server stopped");
  }

  // What is left of the shutdown (the store's last writes, SQLite's last checkpoint) must not
  // be cut short by a repeated SIGTERM, which would also turn a clean exit into a death by
  // signal: from here on such signals are ignored (SIGKILL still ends the process). Without
  // this, destroying the signal set would restore their default action for that time.
  void ignore_further_signals() {
    if (!options.handle_signals) return;
    boost::system::error_code ignored;
    signals.clear(ignored);
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, SIG_IGN);
  }

  ServerOptions options;
  asio::io_context ioc;  // first: it outlives the workers, the sessions and the pending calls
  ServerContext ctx;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  Counter& rejected;
  tcp::endpoint bound;
  std::vector<std::function<void()>> shutdown_hooks;
  std::vector<std::function<void()>> reload_hooks;
};

Server::Server(const core::Config& config, const Router& router, Authenticator& authenticator,
               MetricsRegistry& metrics, core::Random& random, const core::Clock& clock,
               ServerOptions options)
    : impl_(
          std::make_unique<Impl>(config, router, authenticator, metrics, random, clock, options)) {}

Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->bound.port(); }

std::string Server::address() const { return impl_->bound.address().to_string(); }

void Server::add_upgrade_handler(std::string path, UpgradeHandler handler) {
  impl_->ctx.upgrades.insert_or_assign(std::move(path), std::move(handler));
}

void Server::on_shutdown(std::function<void()> hook) {
  impl_->shutdown_hooks.push_back(std::move(hook));
}

void Server::on_reload(std::function<void()> hook) {
  impl_->reload_hooks.push_back(std::move(hook));
}

void Server::replace_tls(const TlsFiles& files) {
  impl_->ctx.set_tls_context(make_tls_context(files));
}

void Server::run() { impl_->run(); }

void Server::stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->begin_shutdown(); });
}

}  // namespace twostep::server
