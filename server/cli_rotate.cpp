// `twostep admin rotate-master-key`: every sealed secret re-sealed under a new master key in
// one transaction. The new key is on disk (PATH.new) before the transaction and the old one
// stays (PATH.old) after it, so a running server, whose sealer re-reads the key files when
// no key it holds opens a secret, verifies codes throughout; a SIGHUP then makes it seal
// under the new key too.
#include <signal.h>

#include <iostream>
#include <stdexcept>

#include "activation/sealed_secrets.hpp"
#include "core/master_key.hpp"
#include "server/cli.hpp"
#include "server/data_dir_lock.hpp"

namespace twostep::server {
namespace {

namespace fs = std::filesystem;

// A rotation that stopped between writing PATH.new and renaming it: when a secret opens
// under PATH.new its transaction committed and the renames are finished now; otherwise
// nothing was sealed under it and it goes.
void finish_interrupted_rotation(store::Store& store, const fs::path& key_path,
                                 core::Random& random) {
  const fs::path next = core::next_master_key_path(key_path);
  std::error_code ec;
  if (!fs::exists(next, ec)) return;
  const core::Sealer candidate(core::read_master_key(next), random);
  const std::size_t sealed_under_next = store.read(
      [&](store::Tx& tx) { return activation::count_sealed_with_current(tx, candidate); });
  if (sealed_under_next > 0) {
    core::install_next_master_key(key_path);
    std::cout << "Finished an earlier rotation that had committed: " << next.string() << " is now "
              << key_path.string() << "." << std::endl;
  } else {
    fs::remove(next);
    std::cout << "Removed " << next.string() << ", left by an earlier rotation that never "
              << "committed." << std::endl;
  }
}

// Asks the server on this data dir to load the new key ring; says what to do otherwise.
void tell_server(const fs::path& data_dir) {
  std::optional<pid_t> pid;
  try {
    pid = DataDirLock::running_server(data_dir);
  } catch (const std::exception& e) {
    std::cout << "Could not check for a server on " << data_dir.string() << " (" << e.what()
              << "); reload any server using this key (systemctl reload twostep)." << std::endl;
    return;
  }
  if (!pid) {
    std::cout << "No server is running on " << data_dir.string()
              << "; it loads the new key when it starts." << std::endl;
    return;
  }
  if (*pid > 0 && ::kill(*pid, SIGHUP) == 0) {
    std::cout << "Sent SIGHUP to the server (pid " << *pid
              << ") so that it seals under the new key." << std::endl;
    return;
  }
  std::cout << "Could not signal the server on " << data_dir.string()
            << "; send it SIGHUP (systemctl reload twostep) so that it seals under the new key."
            << std::endl;
}

int rotate(const Args& args) {
  const core::Config config = load_config(args);
  const fs::path key_path = config.master_key_path();
  core::SystemRandom random;
  auto store = store::open_store(config.database_url());
  finish_interrupted_rotation(*store, key_path, random);

  const core::Sealer from(core::load_sealing_keys(key_path), random);
  core::SecretBytes new_key = random.bytes(core::Sealer::kKeySize);
  core::write_next_master_key(key_path, new_key);
  const core::Sealer to(std::move(new_key), random);
  auto resealed =
      store->write([&](store::Tx& tx) { return activation::reseal_secrets(tx, from, to); });
  if (!resealed) {
    fs::remove(core::next_master_key_path(key_path));
    throw std::runtime_error(resealed.error().message + "; nothing was changed");
  }
  core::install_next_master_key(key_path);
  std::cout << "Re-sealed " << *resealed << " secrets under a new master key in "
            << key_path.string() << "; the previous key is kept in "
            << core::previous_master_key_path(key_path).string() << "." << std::endl;
  tell_server(config.data_dir);
  return 0;
}

}  // namespace

void register_rotate_command(Cli& cli) {
  cli.add(Command{{"admin", "rotate-master-key"},
                  "Re-seal every secret under a new master key",
                  "Makes a new master key, re-seals every sealed secret (TOTP secrets, pending "
                  "activation codes) under it in one transaction, then keeps the previous key "
                  "as MASTER_KEY.old and installs the new one. A server running on the data "
                  "dir keeps verifying throughout and is sent SIGHUP to seal under the new key. "
                  "Run one rotation at a time.",
                  {},
                  data_dir_flags(),
                  rotate});
}

}  // namespace twostep::server
