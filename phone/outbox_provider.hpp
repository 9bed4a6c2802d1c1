// The default provider: every message becomes one JSON line in DATA_DIR/outbox.jsonl (the
// format API.md fixes), for development, demos and tests that read the codes back.
#pragma once

#include <filesystem>

#include "core/clock.hpp"
#include "phone/provider.hpp"

namespace twostep::phone {

/// Appends message_json() lines to a file.
///
/// Atomicity: each send() opens the file with O_APPEND and hands the whole line, newline
/// included, to a single write(2), then fdatasyncs. For a regular file on a local file
/// system Linux positions and copies an O_APPEND write under the inode's lock, so lines from
/// threads and processes appending at the same time never interleave, and a reader sees
/// either none or all of a line. Only a short write (disk full) can leave part of a line:
/// it is reported as delivery_failed, never completed with a second write (which could land
/// after another writer's line), and a newline is appended so that the fragment stays a
/// line of its own and the next message's line is whole. The file is created with mode
/// 0600: it holds live codes.
class OutboxProvider final : public Provider {
 public:
  OutboxProvider(std::filesystem::path path, const core::Clock& clock);
  core::Result<void> send(const Message& message) override;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  const core::Clock& clock_;
};

}  // namespace twostep::phone
