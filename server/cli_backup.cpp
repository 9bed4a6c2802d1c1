// `twostep admin backup` and `twostep admin restore`: a consistent copy of the SQLite
// database while the server keeps serving, and putting one back after checking it. With
// PostgreSQL both commands point at pg_dump / pg_restore instead.
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "activation/sealed_secrets.hpp"
#include "core/clock.hpp"
#include "core/master_key.hpp"
#include "server/cli.hpp"
#include "server/data_dir_lock.hpp"
#include "store/migrate.hpp"
#include "store/sqlite/sqlite_file.hpp"

namespace twostep::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kSqlitePrefix = "sqlite:";

// The SQLite file of `config`; a PostgreSQL database is refused with the tool to use.
fs::path sqlite_file(const core::Config& config, std::string_view pg_tool) {
  const std::string url = config.database_url();
  if (!url.starts_with(kSqlitePrefix)) {
    throw std::runtime_error(
        "the database is PostgreSQL: use " + std::string(pg_tool) +
        " (e.g. pg_dump --format=custom --file=twostep.dump URL, then pg_restore --clean "
        "--dbname=URL twostep.dump) and keep the master key file " +
        config.master_key_path().string() + " apart from the dump");
  }
  return url.substr(kSqlitePrefix.size());
}

fs::path with_suffix(const fs::path& path, const std::string& suffix) {
  fs::path out = path;
  out += suffix;
  return out;
}

// An SQLite file and the journal files that may lie beside it.
void remove_database_files(const fs::path& db) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    fs::remove(with_suffix(db, suffix), ec);
}

std::string file_stamp(core::TimePoint now) {
  std::string stamp = core::to_rfc3339(now);  // 2026-11-28T06:15:00Z
  std::erase(stamp, '-');
  std::erase(stamp, ':');
  return stamp;
}

int backup(const Args& args) {
  const auto to = args.get("--to");
  if (!to || to->empty()) throw UsageError("--to FILE is required");
  const core::Config config = load_config(args);
  const fs::path db = sqlite_file(config, "pg_dump");
  store::backup_sqlite(db, *to);
  const store::SqliteFileReport report = store::inspect_sqlite_file(*to);
  if (report.integrity != "ok") {
    throw std::runtime_error("the copy failed its integrity check: " + report.integrity);
  }
  std::cout << "Backed up " << db.string() << " to " << *to << " (schema version "
            << report.schema_version << ", " << fs::file_size(*to) << " bytes, mode 0600)."
            << std::endl;
  std::cerr << "Secrets in the backup are sealed under the master key "
            << config.master_key_path().string()
            << ": keep a copy of that key, apart from the backup; a restore needs it.\n";
  return 0;
}

// Checks the copy at `staged` before it may replace anything: integrity, a schema this
// binary knows, and a master key that opens its sealed secrets. Returns how many opened.
std::size_t check_restorable(const fs::path& staged, const fs::path& key_path) {
  const store::SqliteFileReport report = store::inspect_sqlite_file(staged);
  if (report.integrity != "ok") {
    throw std::runtime_error("the backup is damaged (integrity_check: " + report.integrity + ")");
  }
  const auto known = store::embedded_migrations(store::Dialect::kSqlite);
  const int newest = known.empty() ? 0 : known.back().version;
  if (report.schema_version > newest) {
    throw std::runtime_error("the backup has schema version " +
                             std::to_string(report.schema_version) + " but this twostep knows " +
                             std::to_string(newest) + ": restore it with the newer release");
  }
  core::SystemRandom random;
  const core::Sealer sealer(core::load_sealing_keys(key_path), random);
  auto store = store::open_store(std::string(kSqlitePrefix) + staged.string());
  auto opened =
      store->read([&](store::Tx& tx) { return activation::check_sealed_secrets(tx, sealer); });
  if (!opened) {
    throw std::runtime_error(
        "the master key " + key_path.string() +
        " is not the one this backup was made with: " + opened.error().message);
  }
  return *opened;
}

// Keeps the current database (with every commit folded in from its WAL) aside under a
// timestamped name, then moves `staged` into its place.
void put_in_place(const fs::path& staged, const fs::path& db) {
  std::error_code ec;
  if (fs::exists(db, ec)) {
    store::checkpoint_sqlite(db);
    const fs::path aside =
        with_suffix(db, ".before-restore-" + file_stamp(core::SystemClock().now()));
    fs::rename(db, aside);
    remove_database_files(db);
    std::cout << "Kept the previous database as " << aside.string() << "." << std::endl;
  }
  fs::rename(staged, db);
}

int restore(const Args& args) {
  const auto from = args.get("--from");
  if (!from || from->empty()) throw UsageError("--from FILE is required");
  const core::Config config = load_config(args);
  const fs::path db = sqlite_file(config, "pg_restore");
  const fs::path key_path = config.master_key_path();
  std::error_code ec;
  if (!fs::exists(key_path, ec)) {
    throw std::runtime_error("no master key at " + key_path.string() +
                             ": copy the key that was in use when the backup was made there "
                             "(mode 0600), then run the restore again");
  }
  const auto lock = DataDirLock::try_exclusive(config.data_dir);
  if (!lock) {
    const auto pid = DataDirLock::running_server(config.data_dir);
    throw std::runtime_error("a twostep server (pid " + std::to_string(pid.value_or(0)) +
                             ") is running on " + config.data_dir.string() +
                             "; stop it before restoring");
  }
  const fs::path staged = with_suffix(db, ".restoring");
  remove_database_files(staged);
  fs::copy_file(*from, staged, fs::copy_options::overwrite_existing);
  fs::permissions(staged, fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  std::size_t secrets = 0;
  try {
    secrets = check_restorable(staged, key_path);
  } catch (...) {
    remove_database_files(staged);
    throw;
  }
  std::cout << "Checked " << *from << ": integrity ok, " << secrets << " sealed secrets open under "
            << key_path.string() << "." << std::endl;
  try {
    put_in_place(staged, db);
  } catch (...) {
    remove_database_files(staged);
    throw;
  }
  std::cout << "Restored " << db.string() << " from " << *from << "; start the server to serve it."
            << std::endl;
  return 0;
}

}  // namespace

void register_backup_commands(Cli& cli) {
  std::vector<FlagSpec> backup_flags = data_dir_flags();
  backup_flags.push_back({"--to", "FILE", "Where to write the copy (replaced atomically)"});
  cli.add(Command{{"admin", "backup"},
                  "Copy the SQLite database while the server runs",
                  "Writes a consistent copy of the SQLite database to FILE (mode 0600) with "
                  "SQLite's online backup API; the server keeps serving. Secrets in it stay "
                  "sealed under the master key, which is not part of the copy. With a "
                  "PostgreSQL --db, use pg_dump instead.",
                  {},
                  std::move(backup_flags),
                  backup});

  std::vector<FlagSpec> restore_flags = data_dir_flags();
  restore_flags.push_back({"--from", "FILE", "A copy made by 'twostep admin backup'"});
  cli.add(Command{{"admin", "restore"},
                  "Put a backup back in place of the SQLite database",
                  "Refuses while a server runs on the data dir. Checks FILE first (integrity, "
                  "a schema version this binary knows, and that the data dir's master key "
                  "opens its sealed secrets), then keeps the current database aside as "
                  "twostep.db.before-restore-TIMESTAMP and puts the copy in its place. With a "
                  "PostgreSQL --db, use pg_restore instead.",
                  {},
                  std::move(restore_flags),
                  restore});
}

}  // namespace twostep::server
