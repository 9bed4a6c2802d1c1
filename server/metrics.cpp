// Prometheus text exposition (https://prometheus.io/docs/instrumenting/exposition_formats/).
#include "server/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>
#include <stdexcept>

namespace twostep::server {
namespace {

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

void append_escaped(std::string& out, std::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string render_labels(const MetricLabels& labels) {
  std::string out;
  for (const auto& [name, value] : labels) {
    if (!valid_name(name)) throw std::logic_error("invalid metric label name: " + name);
    if (!out.empty()) out += ',';
    out += name;
    out += "=\"";
    append_escaped(out, value);
    out += '"';
  }
  return out;
}

// Plain decimals ("0.0005", not "5e-04") for the values metrics usually hold.
std::string format_number(double v) {
  char buf[64];
  const double magnitude = v < 0 ? -v : v;
  const bool plain = magnitude == 0 || (magnitude >= 1e-6 && magnitude < 1e15);
  auto [end, ec] = plain ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

// name{labels[,extra]} value
void append_sample(std::string& out, std::string_view name, const std::string& labels,
                   std::string_view extra, const std::string& value) {
  out += name;
  if (!labels.empty() || !extra.empty()) {
    out += '{';
    out += labels;
    if (!labels.empty() && !extra.empty()) out += ',';
    out += extra;
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double v) {
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  counts_[static_cast<std::size_t>(it - bounds_.begin())].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> default_latency_buckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry::Series& MetricsRegistry::find_or_create(std::string_view name,
                                                         std::string_view help, Type type,
                                                         const MetricLabels& labels,
                                                         const std::vector<double>* bounds) {
  std::string key = render_labels(labels);
  {
    std::shared_lock lock(mutex_);
    auto family = families_.find(name);
    if (family != families_.end() && family->second.type == type) {
      auto series = family->second.series.find(key);
      if (series != family->second.series.end()) return series->second;
    }
  }
  if (!valid_name(name)) throw std::logic_error("invalid metric name: " + std::string(name));
  std::unique_lock lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (family->second.type != type) {
    throw std::logic_error("metric registered with another type: " + std::string(name));
  }
  auto [series, inserted] = family->second.series.try_emplace(std::move(key));
  if (inserted) {
    if (type == Type::kCounter) series->second.counter = std::make_unique<Counter>();
    if (type == Type::kGauge) series->second.gauge = std::make_unique<Gauge>();
    if (type == Type::kHistogram) series->second.histogram = std::make_unique<Histogram>(*bounds);
  }
  return series->second;
}

Counter& MetricsRegistry::counter(std::string_view name, std::string_view help,
                                  const MetricLabels& labels) {
  return *find_or_create(name, help, Type::kCounter, labels, nullptr).counter;
}

Gauge& MetricsRegistry::gauge(std::string_view name, std::string_view help,
                              const MetricLabels& labels) {
  return *find_or_create(name, help, Type::kGauge, labels, nullptr).gauge;
}

Histogram& MetricsRegistry::histogram(std::string_view name, std::string_view help,
                                      std::vector<double> bounds, const MetricLabels& labels) {
  return *find_or_create(name, help, Type::kHistogram, labels, &bounds).histogram;
}

void MetricsRegistry::render_family(std::string& out, const std::string& name,
                                    const Family& family) {
  static constexpr std::string_view kTypeNames[] = {"counter", "gauge", "histogram"};
  out += "# HELP " + name + ' ' + family.help + '\n';
  out += "# TYPE " + name + ' ' + std::string(kTypeNames[static_cast<int>(family.type)]) + '\n';
  for (const auto& [labels, series] : family.series) {
    if (series.counter)
      append_sample(out, name, labels, {}, std::to_string(series.counter->value()));
    if (series.gauge) append_sample(out, name, labels, {}, format_number(series.gauge->value()));
    if (!series.histogram) continue;
    const Histogram& h = *series.histogram;
    std::vector<std::uint64_t> counts = h.cumulative_counts();
    for (std::size_t i = 0; i < h.bounds().size(); ++i) {
      append_sample(out, name + "_bucket", labels, "le=\"" + format_number(h.bounds()[i]) + '"',
                    std::to_string(counts[i]));
    }
    append_sample(out, name + "_bucket", labels, "le=\"+Inf\"", std::to_string(counts.back()));
    append_sample(out, name + "_sum", labels, {}, format_number(h.sum()));
    append_sample(out, name + "_count", labels, {}, std::to_string(counts.back()));
  }
}

std::string MetricsRegistry::render() const {
  std::string out;
  std::shared_lock lock(mutex_);
  for (const auto& [name, family] : families_) render_family(out, name, family);
  return out;
}

}  // namespace twostep::server
