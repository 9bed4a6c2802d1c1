// The LISTEN loop; see pg_listener.hpp.
#include "store/postgres/pg_listener.hpp"

#include <libpq-fe.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "store/store.hpp"

namespace twostep::store {
namespace {

constexpr int kFirstBackoffMs = 100;
constexpr int kMaxBackoffMs = 5000;
// A poll() timeout, so a connection that went silent without the socket noticing is
// still checked now and then.
constexpr int kCheckEveryMs = 5000;
constexpr const char* kConnectTimeoutSeconds = "5";

bool is_identifier(std::string_view name) {
  return !name.empty() && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

void log_problem(std::string_view what, PGconn* conn) {
  std::string detail = conn ? PQerrorMessage(conn) : "out of memory";
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == ' ')) detail.pop_back();
  core::log(core::LogLevel::kWarn, what, {{"error", detail}});
}

}  // namespace

struct PgListener::Connection {
  PGconn* conn = nullptr;
  ~Connection() {
    if (conn) PQfinish(conn);
  }
};

PgListener::PgListener(std::string url, std::string channel, OnMessage on_message,
                       OnListening on_listening)
    : url_(std::move(url)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_listening_(std::move(on_listening)) {}

PgListener::~PgListener() { stop(); }

void PgListener::start() {
  if (!is_identifier(channel_)) throw StoreError("invalid LISTEN channel name");
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw StoreError("cannot create the listener's eventfd");
  thread_ = std::thread([this] { run(); });
}

void PgListener::stop() {
  if (!thread_.joinable()) return;
  stopping_ = true;
  const std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
  wake_fd_ = -1;
}

void PgListener::run() {
  core::name_this_thread("pg-listener");
  int backoff = kFirstBackoffMs;
  while (!stopping_) {
    Connection conn;
    if (listen_until_lost(conn)) backoff = kFirstBackoffMs;  // it was listening for a while
    listening_ = false;
    if (stopping_ || !pause(backoff)) break;
    backoff = std::min(backoff * 2, kMaxBackoffMs);
  }
}

bool PgListener::listen_until_lost(Connection& conn) {
  // A bounded connect, so stop() never waits long on a server that does not answer.
  const char* keys[] = {"dbname", "connect_timeout", nullptr};
  const char* values[] = {url_.c_str(), kConnectTimeoutSeconds, nullptr};
  conn.conn = PQconnectdbParams(keys, values, 1);
  if (!conn.conn || PQstatus(conn.conn) != CONNECTION_OK) {
    log_problem("cluster listener cannot connect", conn.conn);
    return false;
  }
  PGresult* result = PQexec(conn.conn, ("LISTEN " + channel_).c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  PQclear(result);
  if (!ok || PQsetnonblocking(conn.conn, 1) != 0) {
    log_problem("cluster listener cannot LISTEN", conn.conn);
    return false;
  }
  const bool after_loss = listened_once_;
  listened_once_ = true;
  listening_ = true;
  core::log(core::LogLevel::kInfo, "cluster listener listening", {{"channel", channel_}});
  try {
    on_listening_(after_loss);
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kWarn, "cluster catch-up failed", {{"error", e.what()}});
  }
  while (!stopping_) {
    pollfd fds[2] = {{PQsocket(conn.conn), POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (::poll(fds, 2, kCheckEveryMs) < 0 && errno != EINTR) return true;
    if (stopping_) return true;
    if (PQconsumeInput(conn.conn) == 0 || PQstatus(conn.conn) != CONNECTION_OK) {
      log_problem("cluster listener connection failed", conn.conn);
      return true;
    }
    while (PGnotify* n = PQnotifies(conn.conn)) {
      std::string payload = n->extra;
      PQfreemem(n);
      try {
        on_message_(payload);
      } catch (const std::exception& e) {
        core::log(core::LogLevel::kWarn, "cluster message failed", {{"error", e.what()}});
      }
    }
  }
  return true;
}

bool PgListener::pause(int ms) {
  pollfd fd{wake_fd_, POLLIN, 0};
  ::poll(&fd, 1, ms);
  return !stopping_;
}

}  // namespace twostep::store
