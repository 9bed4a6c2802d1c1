// Raw sqlite3 handles for whole-file work; the Store's pooled connections are for
// transactions and would apply PRAGMAs (and migrations) that a copy must not get.
#include "store/sqlite/sqlite_file.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "store/store.hpp"

namespace twostep::store {
namespace {

namespace fs = std::filesystem;

constexpr int kPagesPerStep = 256;
constexpr int kBusyTimeoutMs = 5000;
constexpr int kBusyPauseMs = 10;

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;

[[noreturn]] void fail(const fs::path& path, const std::string& what, sqlite3* db = nullptr) {
  throw StoreError(path.string() + ": " + what +
                   (db ? std::string(": ") + sqlite3_errmsg(db) : ""));
}

Db open_db(const fs::path& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) fail(path, "cannot open", db.get());
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

void exec(sqlite3* db, const fs::path& path, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(path, sql, db);
}

// Copies every page of `src` into `dst`; `src` holds a read transaction, so the pages come
// from one snapshot however long the copy takes.
void copy_pages(sqlite3* src, sqlite3* dst, const fs::path& dest) {
  sqlite3_backup* backup = sqlite3_backup_init(dst, "main", src, "main");
  if (backup == nullptr) fail(dest, "cannot start the backup", dst);
  int rc = SQLITE_OK;
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
    rc = sqlite3_backup_step(backup, kPagesPerStep);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(kBusyPauseMs);
  }
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) fail(dest, "backup failed: " + std::string(sqlite3_errstr(rc)));
}

void fsync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) fail(path, std::string("cannot fsync: ") + std::strerror(errno));
}

// The empty file the copy goes to, made by us so that its mode is 0600 from the start.
fs::path create_private_file(const fs::path& dest) {
  fs::path tmp = dest;
  tmp += ".tmp-" + std::to_string(::getpid());
  std::error_code ec;
  fs::remove(tmp, ec);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) fail(tmp, std::string("cannot create: ") + std::strerror(errno));
  ::close(fd);
  return tmp;
}

// The first text column of the first row of `sql`, "" when there is none.
std::string first_text(sqlite3* db, const fs::path& path, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) fail(path, sql, db);
  std::string out;
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) fail(path, sql, db);
  return out;
}

}  // namespace

void backup_sqlite(const fs::path& source, const fs::path& dest) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) fail(source, "no database file here");
  Db src = open_db(source, SQLITE_OPEN_READONLY);
  exec(src.get(), source, "BEGIN");
  // The first read starts the snapshot that every later step reads from.
  first_text(src.get(), source, "SELECT count(*) FROM sqlite_master");
  const fs::path tmp = create_private_file(dest);
  try {
    Db dst = open_db(tmp, SQLITE_OPEN_READWRITE);
    copy_pages(src.get(), dst.get(), dest);
    // The copy is one self-contained file: no -wal beside it for a copy or a move to miss.
    exec(dst.get(), dest, "PRAGMA journal_mode=DELETE");
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
  exec(src.get(), source, "COMMIT");
  fsync_path(tmp, O_RDONLY);
  fs::rename(tmp, dest, ec);
  if (ec) fail(dest, "cannot rename " + tmp.string() + " to it: " + ec.message());
  fsync_path(dest.has_parent_path() ? dest.parent_path() : fs::path("."), O_RDONLY | O_DIRECTORY);
}

SqliteFileReport inspect_sqlite_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) fail(path, "no such file");
  Db db = open_db(path, SQLITE_OPEN_READONLY);
  SqliteFileReport report;
  report.integrity = first_text(db.get(), path, "PRAGMA integrity_check");
  if (report.integrity != "ok") return report;
  const bool has_migrations = !first_text(db.get(), path,
                                          "SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND name = 'schema_migrations'")
                                   .empty();
  if (has_migrations) {
    const std::string version =
        first_text(db.get(), path, "SELECT max(version) FROM schema_migrations");
    report.schema_version = version.empty() ? 0 : std::stoi(version);
  }
  return report;
}

void checkpoint_sqlite(const fs::path& path) {
  Db db = open_db(path, SQLITE_OPEN_READWRITE);
  exec(db.get(), path, "PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace twostep::store
