// Whole-file operations on an SQLite database, for backup and restore: an online copy that
// writers in other processes do not disturb, a check of a copy before it is trusted, and a
// checkpoint that folds the WAL into the main file before the file is moved.
#pragma once

#include <filesystem>
#include <string>

namespace twostep::store {

/// Copies the database at `source` to `dest` with SQLite's online backup API, page by
/// page inside one read transaction: the copy is one consistent snapshot while other
/// connections (a running server) keep reading and writing. Writes a temporary file next to
/// `dest` (mode 0600), fsyncs it, then renames it over `dest`. Throws StoreError.
void backup_sqlite(const std::filesystem::path& source, const std::filesystem::path& dest);

struct SqliteFileReport {
  std::string integrity;   // the first line of PRAGMA integrity_check: "ok" when sound
  int schema_version = 0;  // the highest applied migration; 0 when there is none
};

/// Reads `path` without changing it. Throws StoreError when it is not an SQLite database.
SqliteFileReport inspect_sqlite_file(const std::filesystem::path& path);

/// Folds the WAL of the database at `path` into the main file (no other connection may
/// have it open), so that the main file alone holds every commit. Throws StoreError.
void checkpoint_sqlite(const std::filesystem::path& path);

}  // namespace twostep::store
