// Starts the listener half of cross-node delivery for `twostep serve`: on PostgreSQL, a
// LISTEN on push::kFanoutChannel whose notifications App::cluster_fanout replays into this
// node's hub, with a catch-up after every reconnection. CLI commands do not listen (they
// only publish, through the same fan-out).
#pragma once

#include <memory>

#include "server/app.hpp"
#include "store/postgres/pg_listener.hpp"

namespace twostep::server {

/// The running listener, or null on SQLite. Destroy it before `app`.
std::unique_ptr<store::PgListener> start_cluster_listener(App& app);

}  // namespace twostep::server
