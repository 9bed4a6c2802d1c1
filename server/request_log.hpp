// One structured access-log line and the HTTP metrics per request. Only the method, the
// route pattern (never the raw path: it can hold ids and codes), the status, the duration,
// the correlation id and the client address are recorded — no query, header or body.
#pragma once

#include <chrono>
#include <string_view>

#include "server/metrics.hpp"

namespace twostep::server {

struct RequestRecord {
  std::string_view method;
  std::string_view route;  // the matched pattern, or "unmatched"
  unsigned status = 0;
  std::chrono::steady_clock::duration duration{};
  std::string_view correlation_id;
  std::string_view client_ip;
};

class RequestLog {
 public:
  explicit RequestLog(MetricsRegistry& metrics);
  void record(const RequestRecord& record);
  MetricsRegistry& metrics() { return metrics_; }

 private:
  MetricsRegistry& metrics_;
};

/// The method as a metric label: a known method, or "other" so that arbitrary methods
/// cannot create unbounded series.
std::string_view method_label(std::string_view method);

}  // namespace twostep::server
