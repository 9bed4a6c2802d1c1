// Access log and HTTP metrics.
#include "server/request_log.hpp"

#include <cstdio>
#include <string>

#include "core/log.hpp"

namespace twostep::server {

std::string_view method_label(std::string_view method) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

RequestLog::RequestLog(MetricsRegistry& metrics) : metrics_(metrics) {}

void RequestLog::record(const RequestRecord& r) {
  const double seconds = std::chrono::duration<double>(r.duration).count();
  const std::string method(method_label(r.method));
  const std::string route(r.route);
  const std::string status = std::to_string(r.status);
  metrics_
      .counter("twostep_http_requests_total", "HTTP requests by route, method and status",
               {{"route", route}, {"method", method}, {"status", status}})
      .increment();
  metrics_
      .histogram("twostep_http_request_duration_seconds",
                 "Time from the first byte of a request to the end of its response",
                 default_latency_buckets(), {{"route", route}, {"method", method}})
      .observe(seconds);
  char duration_ms[32];
  std::snprintf(duration_ms, sizeof duration_ms, "%.3f", seconds * 1000);
  core::log(core::LogLevel::kInfo, "request",
            {{"method", method},
             {"route", route},
             {"status", status},
             {"duration_ms", duration_ms},
             {"correlation_id", std::string(r.correlation_id)},
             {"client_ip", std::string(r.client_ip)}});
}

}  // namespace twostep::server
