// A small, thread-safe Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format 0.0.4 at GET /metrics. Any server code can add its
// own series; the references returned stay valid for the registry's lifetime, so hot paths
// look a series up once and keep the reference.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace twostep::server {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

/// Monotonic count.
class Counter {
 public:
  void increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

/// A value that goes up and down (open connections, queue depth).
class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

/// Distribution over fixed upper bounds (seconds for latencies).
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  /// Cumulative counts per bound, then the total count (the +Inf bucket).
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // one per bound, plus +Inf
  std::atomic<double> sum_{0};
};

/// Latency buckets from 0.5 ms to 10 s.
std::vector<double> default_latency_buckets();

class MetricsRegistry {
 public:
  /// The series `name{labels}`, created on first use. A name always keeps the type and help
  /// text it was first registered with (std::logic_error on a type clash: a programming
  /// error). Names follow Prometheus rules: [a-zA-Z_:][a-zA-Z0-9_:]*.
  Counter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Histogram& histogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                       const MetricLabels& labels = {});

  /// Every series in the text exposition format, families sorted by name.
  std::string render() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Series {
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
  };
  struct Family {
    Type type;
    std::string help;
    std::map<std::string, Series> series;  // by rendered label set: `a="x",b="y"`
  };

  Series& find_or_create(std::string_view name, std::string_view help, Type type,
                         const MetricLabels& labels, const std::vector<double>* bounds);
  static void render_family(std::string& out, const std::string& name, const Family& family);

  mutable std::shared_mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace twostep::server
