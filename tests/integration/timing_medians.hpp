// Timing tests' comparison of interleaved samples: each case's median, printed for
// docs/SECURITY.md, and the check that no case's median stands out from the others.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace twostep::testing {

inline double median(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

/// Prints each case's median and expects the highest within `factor` × the lowest +
/// `slack_ms`.
inline void expect_medians_close(const std::map<std::string, std::vector<double>>& samples,
                                 const std::string& label, double factor, double slack_ms) {
  std::map<std::string, double> medians;
  for (const auto& [name, ms] : samples) medians[name] = median(ms);
  const auto [low, high] = std::minmax_element(
      medians.begin(), medians.end(), [](auto& a, auto& b) { return a.second < b.second; });
  std::cout << label << " medians over " << samples.begin()->second.size()
            << " interleaved rounds:";
  for (const auto& [name, ms] : medians) std::cout << " " << name << " " << ms << " ms;";
  std::cout << "\n";
  EXPECT_LE(high->second, factor * low->second + slack_ms) << high->first << " vs " << low->first;
}

}  // namespace twostep::testing
