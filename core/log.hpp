// Structured logging: one JSON object per line on stderr. Callers pass fields explicitly;
// never pass a secret, token or code.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace twostep::core {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void set_log_level(LogLevel level);
LogLevel parse_log_level(std::string_view name);  // unknown names give kInfo

using LogField = std::pair<std::string_view, std::string>;
/// Writes {"time":…,"level":…,"msg":…, fields…} as one line, atomically.
void log(LogLevel level, std::string_view msg, std::initializer_list<LogField> fields = {});

}  // namespace twostep::core
