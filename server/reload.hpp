// SIGHUP for `twostep serve`: what a running server takes up without a restart — the TLS
// certificate and key, the master-key ring (after `twostep admin rotate-master-key`) and
// the log level — from a fresh read of the configuration. Everything is loaded and checked
// before anything is applied: a bad file refuses the reload with a log line and the old
// settings stay in force. Settings that need a restart (the listen address, thread counts,
// the database, …) are named in the log line when they changed.
#pragma once

#include <functional>

#include "core/config.hpp"
#include "server/app.hpp"
#include "server/server.hpp"

namespace twostep::server {

/// Registers the reload on `server`; `load_config` reads the configuration the way the
/// server's start did (the same --config file and flags).
void reload_on_sighup(Server& server, App& app, std::function<core::Config()> load_config);

}  // namespace twostep::server
