#include "bench/load_bench/open_loop.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace twostep::bench {
namespace {

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

boost::json::object percentiles(std::vector<double> samples) {
  if (samples.empty()) return {};
  std::ranges::sort(samples);
  const auto at = [&](double p) {
    return samples[static_cast<std::size_t>(p * static_cast<double>(samples.size() - 1))];
  };
  return {{"p50", at(0.5)}, {"p90", at(0.9)}, {"p99", at(0.99)}, {"max", at(1.0)}};
}

struct Collected {
  std::mutex mutex;
  std::vector<double> total, service, to_device;
  std::vector<std::string> errors;
  std::map<std::string, std::size_t> outcomes;
  std::size_t late = 0;
  Clock::time_point last_finished;

  void add(Clock::time_point due, Clock::time_point sent, const Sample& sample) {
    std::lock_guard lock(mutex);
    if (sent - due > std::chrono::milliseconds(1)) ++late;
    last_finished = std::max(last_finished, sample.finished);
    if (!sample.outcome.empty()) ++outcomes[sample.outcome];
    if (!sample.error.empty()) {
      errors.push_back(sample.error);
      return;
    }
    total.push_back(ms(sample.finished - due));
    service.push_back(ms(sample.finished - sent));
    if (sample.delivered) to_device.push_back(ms(*sample.delivered - sent));
  }
};

}  // namespace

boost::json::object run_open_loop(const OpenLoopPlan& plan,
                                  const std::function<RoundTrip()>& make_worker) {
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / plan.rate));
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(200);
  std::atomic<std::size_t> next{0};
  Collected collected;
  std::vector<std::jthread> workers;
  for (std::size_t w = 0; w < plan.workers; ++w) {
    workers.emplace_back([&] {
      RoundTrip round_trip = make_worker();
      for (std::size_t i = next++; i < plan.count; i = next++) {
        const Clock::time_point due = start + period * static_cast<std::int64_t>(i);
        std::this_thread::sleep_until(due);
        const Clock::time_point sent = Clock::now();
        collected.add(due, sent, round_trip(i, sent));
      }
    });
  }
  workers.clear();  // joins
  boost::json::array first_errors;
  for (std::size_t i = 0; i < std::min<std::size_t>(5, collected.errors.size()); ++i) {
    first_errors.emplace_back(collected.errors[i]);
  }
  boost::json::object outcomes;
  for (const auto& [kind, n] : collected.outcomes) outcomes[kind] = n;
  const double seconds = std::chrono::duration<double>(collected.last_finished - start).count();
  const std::size_t done = collected.total.size();
  return {{"rate", plan.rate},
          {"count", plan.count},
          {"ok", done},
          {"outcomes", std::move(outcomes)},
          {"seconds", seconds},
          {"achieved_per_s", seconds > 0 ? static_cast<double>(done) / seconds : 0.0},
          {"failed", collected.errors.size()},
          {"first_errors", std::move(first_errors)},
          {"late_starts", collected.late},
          {"total_ms", percentiles(std::move(collected.total))},
          {"service_ms", percentiles(std::move(collected.service))},
          {"to_device_ms", percentiles(std::move(collected.to_device))}};
}

}  // namespace twostep::bench
