// Conversions between TimePoint, Unix seconds and RFC 3339 text.
#include "core/clock.hpp"

#include <algorithm>

#include <cstdio>

namespace twostep::core {
namespace {

using std::chrono::days;
using std::chrono::seconds;

// Reads exactly `width` decimal digits at `pos`, advancing it; nullopt otherwise.
std::optional<int> read_digits(std::string_view s, std::size_t& pos, std::size_t width) {
  if (pos + width > s.size()) {
    return std::nullopt;
  }
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view s, std::size_t& pos, char a, char b = '\0') {
  if (pos < s.size() && (s[pos] == a || (b != '\0' && s[pos] == b))) {
    ++pos;
    return true;
  }
  return false;
}

// "YYYY-MM-DD" as days since the epoch; nullopt for an impossible date.
std::optional<std::chrono::sys_days> parse_date(std::string_view s, std::size_t& pos) {
  const auto year = read_digits(s, pos, 4);
  if (!year || !expect(s, pos, '-')) return std::nullopt;
  const auto month = read_digits(s, pos, 2);
  if (!month || !expect(s, pos, '-')) return std::nullopt;
  const auto day = read_digits(s, pos, 2);
  if (!day) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(*year),
                                        std::chrono::month(static_cast<unsigned>(*month)),
                                        std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

// "HH:MM:SS" as seconds into the day. Leap seconds (":60") cannot be represented by
// system_clock, so they are rejected rather than silently moved.
std::optional<seconds> parse_time(std::string_view s, std::size_t& pos) {
  const auto hour = read_digits(s, pos, 2);
  if (!hour || *hour > 23 || !expect(s, pos, ':')) return std::nullopt;
  const auto minute = read_digits(s, pos, 2);
  if (!minute || *minute > 59 || !expect(s, pos, ':')) return std::nullopt;
  const auto second = read_digits(s, pos, 2);
  if (!second || *second > 59) return std::nullopt;
  return seconds(*hour * 3600 + *minute * 60 + *second);
}

// ".123…" (at least one digit); digits beyond the clock's resolution are dropped.
std::optional<TimePoint::duration> parse_fraction(std::string_view s, std::size_t& pos) {
  if (!expect(s, pos, '.')) return TimePoint::duration::zero();
  const std::size_t start = pos;
  std::int64_t numerator = 0;
  std::int64_t denominator = 1;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (denominator < 1'000'000'000) {
      numerator = numerator * 10 + (s[pos] - '0');
      denominator *= 10;
    }
    ++pos;
  }
  if (pos == start) return std::nullopt;
  const std::chrono::nanoseconds ns(numerator * (1'000'000'000 / denominator));
  return std::chrono::duration_cast<TimePoint::duration>(ns);
}

// "Z" or "+hh:mm" / "-hh:mm" as the offset east of UTC.
std::optional<seconds> parse_offset(std::string_view s, std::size_t& pos) {
  if (expect(s, pos, 'Z', 'z')) return seconds(0);
  int sign = 0;
  if (expect(s, pos, '+')) {
    sign = 1;
  } else if (expect(s, pos, '-')) {
    sign = -1;
  } else {
    return std::nullopt;
  }
  const auto hour = read_digits(s, pos, 2);
  if (!hour || *hour > 23 || !expect(s, pos, ':')) return std::nullopt;
  const auto minute = read_digits(s, pos, 2);
  if (!minute || *minute > 59) return std::nullopt;
  return seconds(sign * (*hour * 3600 + *minute * 60));
}

}  // namespace

std::int64_t unix_seconds(TimePoint t) {
  return std::chrono::floor<seconds>(t.time_since_epoch()).count();
}

TimePoint from_unix_seconds(std::int64_t s) {
  // TimePoint counts nanoseconds in 64 bits (until 2262): clamp instead of overflowing, so
  // a hostile or corrupt value can never be undefined behaviour.
  const std::int64_t limit =
      std::chrono::floor<seconds>(TimePoint::max().time_since_epoch()).count();
  return TimePoint(
      std::chrono::duration_cast<TimePoint::duration>(seconds(std::clamp(s, -limit, limit))));
}

std::string to_rfc3339(TimePoint t) {
  const auto whole = std::chrono::floor<seconds>(t);
  const auto day = std::chrono::floor<days>(whole);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(whole - day);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  std::size_t pos = 0;
  const auto date = parse_date(s, pos);
  if (!date || !expect(s, pos, 'T', 't')) return std::nullopt;
  const auto time = parse_time(s, pos);
  if (!time) return std::nullopt;
  const auto fraction = parse_fraction(s, pos);
  if (!fraction) return std::nullopt;
  const auto offset = parse_offset(s, pos);
  if (!offset || pos != s.size()) return std::nullopt;
  // Years past 2200 do not fit TimePoint's nanosecond range; no valid input needs them.
  if (*date > std::chrono::sys_days(std::chrono::year(2200) / 1 / 1)) return std::nullopt;
  return TimePoint(*date) + *time - *offset + *fraction;
}

}  // namespace twostep::core
