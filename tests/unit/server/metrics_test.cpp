#include "server/metrics.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace twostep::server {
namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

TEST(MetricsRegistry, RendersCountersWithHelpTypeAndLabels) {
  MetricsRegistry registry;
  registry.counter("twostep_x_total", "X events", {{"route", "/v1/a"}, {"status", "200"}})
      .increment(3);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# HELP twostep_x_total X events\n"));
  EXPECT_TRUE(contains(text, "# TYPE twostep_x_total counter\n"));
  EXPECT_TRUE(contains(text, "twostep_x_total{route=\"/v1/a\",status=\"200\"} 3\n"));
}

TEST(MetricsRegistry, SameNameAndLabelsIsTheSameSeries) {
  MetricsRegistry registry;
  Counter& a = registry.counter("c_total", "h", {{"k", "v"}});
  Counter& b = registry.counter("c_total", "h", {{"k", "v"}});
  EXPECT_EQ(&a, &b);
  EXPECT_NE(&a, &registry.counter("c_total", "h", {{"k", "w"}}));
}

TEST(MetricsRegistry, EscapesLabelValues) {
  MetricsRegistry registry;
  registry.gauge("g", "h", {{"v", "a\"b\\c\nd"}}).set(1.5);
  EXPECT_TRUE(contains(registry.render(), "g{v=\"a\\\"b\\\\c\\nd\"} 1.5\n"));
}

TEST(MetricsRegistry, HistogramHasCumulativeBucketsSumAndCount) {
  MetricsRegistry registry;
  Histogram& h = registry.histogram("lat_seconds", "latency", {0.1, 1}, {{"route", "r"}});
  h.observe(0.05);
  h.observe(0.1);
  h.observe(0.5);
  h.observe(3);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE lat_seconds histogram\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"r\",le=\"0.1\"} 2\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"r\",le=\"1\"} 3\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_bucket{route=\"r\",le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_sum{route=\"r\"} 3.65\n"));
  EXPECT_TRUE(contains(text, "lat_seconds_count{route=\"r\"} 4\n"));
}

TEST(MetricsRegistry, GaugeGoesUpAndDown) {
  MetricsRegistry registry;
  Gauge& g = registry.gauge("open", "open things");
  g.add(2);
  g.add(-1);
  EXPECT_TRUE(contains(registry.render(), "open 1\n"));
}

TEST(MetricsRegistry, RefusesTypeClashAndBadNames) {
  MetricsRegistry registry;
  registry.counter("m", "h");
  EXPECT_THROW(registry.gauge("m", "h"), std::logic_error);
  EXPECT_THROW(registry.counter("1bad", "h"), std::logic_error);
  EXPECT_THROW(registry.counter("ok", "h", {{"bad-label", "v"}}), std::logic_error);
}

TEST(MetricsRegistry, CountsFromManyThreads) {
  MetricsRegistry registry;
  std::vector<std::jthread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry] {
      for (int i = 0; i < 1000; ++i) {
        registry.counter("n_total", "h", {{"k", std::to_string(i % 3)}}).increment();
      }
    });
  }
  threads.clear();
  std::uint64_t total = 0;
  for (int k = 0; k < 3; ++k)
    total += registry.counter("n_total", "h", {{"k", std::to_string(k)}}).value();
  EXPECT_EQ(total, 4000u);
}

}  // namespace
}  // namespace twostep::server
