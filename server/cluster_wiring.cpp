// The cross-node listener's wiring; see cluster_wiring.hpp.
#include "server/cluster_wiring.hpp"

#include <string>

namespace twostep::server {

std::unique_ptr<store::PgListener> start_cluster_listener(App& app) {
  if (!app.cluster_fanout) return nullptr;
  push::ClusterFanout& fanout = *app.cluster_fanout;
  auto listener = std::make_unique<store::PgListener>(
      app.config.database_url(), std::string(push::kFanoutChannel),
      [&fanout](std::string_view payload) { fanout.replay(payload); },
      [&fanout](bool after_loss) {
        if (after_loss) fanout.catch_up();
      });
  listener->start();
  return listener;
}

}  // namespace twostep::server
