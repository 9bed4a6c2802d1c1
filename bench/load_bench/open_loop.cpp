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

}  // namespace

void SampleLog::add(Clock::time_point due, Clock::time_point sent, const Sample& sample) {
  std::lock_guard lock(mutex_);
  if (sent - due > std::chrono::milliseconds(1)) ++late_;
  last_finished_ = std::max(last_finished_, sample.finished);
  if (!sample.outcome.empty()) ++outcomes_[sample.outcome];
  if (!sample.error.empty()) {
    errors_.push_back(sample.error);
    return;
  }
  total_.push_back(ms(sample.finished - due));
  service_.push_back(ms(sample.finished - sent));
  if (sample.delivered) to_device_.push_back(ms(*sample.delivered - sent));
}

boost::json::object SampleLog::summary(const OpenLoopPlan& plan, Clock::time_point start) {
  std::lock_guard lock(mutex_);
  boost::json::array first_errors;
  for (std::size_t i = 0; i < std::min<std::size_t>(5, errors_.size()); ++i) {
    first_errors.emplace_back(errors_[i]);
  }
  boost::json::object outcomes;
  for (const auto& [kind, n] : outcomes_) outcomes[kind] = n;
  const double seconds = std::chrono::duration<double>(last_finished_ - start).count();
  const std::size_t done = total_.size();
  return {{"rate", plan.rate},
          {"count", plan.count},
          {"ok", done},
          {"outcomes", std::move(outcomes)},
          {"seconds", seconds},
          {"achieved_per_s", seconds > 0 ? static_cast<double>(done) / seconds : 0.0},
          {"failed", errors_.size()},
          {"first_errors", std::move(first_errors)},
          {"late_starts", late_},
          {"total_ms", percentiles(total_)},
          {"service_ms", percentiles(service_)},
          {"to_device_ms", percentiles(to_device_)}};
}

boost::json::object run_open_loop(const OpenLoopPlan& plan,
                                  const std::function<RoundTrip()>& make_worker) {
  const auto period =
      std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / plan.rate));
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(200);
  std::atomic<std::size_t> next{0};
  SampleLog log;
  std::vector<std::jthread> workers;
  for (std::size_t w = 0; w < plan.workers; ++w) {
    workers.emplace_back([&] {
      RoundTrip round_trip = make_worker();
      for (std::size_t i = next++; i < plan.count; i = next++) {
        const Clock::time_point due = start + period * static_cast<std::int64_t>(i);
        std::this_thread::sleep_until(due);
        const Clock::time_point sent = Clock::now();
        log.add(due, sent, round_trip(i, sent));
      }
    });
  }
  workers.clear();  // joins
  return log.summary(plan, start);
}

}  // namespace twostep::bench
