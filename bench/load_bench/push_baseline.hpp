// The in-process baseline of the push round trip: the same steps without a server, a
// network or TLS. An "application" worker hands the push to a server thread, which builds
// the real push frame (push::push_frame); a device thread parses it with the companion
// app's parser, signs the approval with a P-256 device key and builds the respond frame; the
// server thread parses that (push::parse_device_frame), verifies the signature and wakes the
// worker. What the real round trip costs above this is the server, TLS and the sockets.
#pragma once

#include <boost/json/object.hpp>

#include "bench/load_bench/open_loop.hpp"

namespace twostep::bench {

/// Runs `plan` against the in-process pipeline; the result of run_open_loop().
boost::json::object run_baseline(const OpenLoopPlan& plan);

}  // namespace twostep::bench
