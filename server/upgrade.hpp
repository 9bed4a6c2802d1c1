// The hand-over of an HTTP connection to another protocol (the device WebSocket at
// /v1/device/ws). When a request on a registered path asks for `Upgrade: websocket`, the
// HTTP session stops reading, skips routing and authentication, and gives the TLS stream,
// the parsed request and any bytes already read to the registered handler, which then owns
// the connection (typically: construct a websocket::stream from the TLS stream and call
// async_accept(request)). Register with Server::add_upgrade_handler before Server::run.
#pragma once

#include <functional>
#include <string>

#include "server/connection_slot.hpp"
#include "server/net.hpp"

namespace twostep::server {

struct UpgradeRequest {
  TlsStream stream;           // TLS established; its executor is the connection's strand
  BeastRequest request;       // the upgrade request (headers; the body is empty)
  beast::flat_buffer buffer;  // bytes received after the request, if any
  std::string client_ip;
  std::string correlation_id;  // of the upgrade request, for the WebSocket's log lines
  ConnectionSlot slot;         // keep it while the connection lives: it counts toward the cap
};

}  // namespace twostep::server
