#include "totp/otpauth.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <optional>

#include "core/encoding.hpp"
#include "totp/uri_component.hpp"

namespace twostep::totp {
namespace {

constexpr std::string_view kScheme = "otpauth://";

std::unexpected<core::Error> bad_uri(std::string message) {
  return core::fail(core::ErrorKind::kInvalidInput, "invalid_otpauth_uri", std::move(message));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || text.empty()) return std::nullopt;
  return value;
}

using Query = std::map<std::string, std::string>;

core::Result<Query> parse_query(std::string_view query) {
  Query out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    auto key = percent_decode(pair.substr(0, eq));
    auto value = percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!key || !value) return bad_uri("malformed query parameter");
    if (!out.emplace(std::move(*key), std::move(*value)).second) {
      return bad_uri("a parameter appears twice");
    }
  }
  return out;
}

struct Label {
  std::optional<std::string> issuer;
  std::string account;
};

// A literal ':' separates issuer and account; without one, an encoded "%3A" may, but only
// when the query's issuer confirms the prefix (otherwise the colon belongs to the account).
core::Result<Label> parse_label(std::string_view raw, const Query& query) {
  const std::size_t colon = raw.find(':');
  if (colon != std::string_view::npos) {
    auto issuer = percent_decode(raw.substr(0, colon));
    auto account = percent_decode(raw.substr(colon + 1));
    if (!issuer || !account) return bad_uri("malformed label");
    return Label{std::move(*issuer), std::move(*account)};
  }
  auto label = percent_decode(raw);
  if (!label) return bad_uri("malformed label");
  if (auto it = query.find("issuer"); it != query.end()) {
    const std::string prefix = it->second + ":";
    if (label->starts_with(prefix)) return Label{it->second, label->substr(prefix.size())};
  }
  return Label{std::nullopt, std::move(*label)};
}

core::Result<Params> parse_params(const Query& query) {
  Params params;
  if (auto it = query.find("algorithm"); it != query.end()) {
    auto algorithm = parse_algorithm(it->second);
    if (!algorithm) return bad_uri("unsupported algorithm");
    params.algorithm = *algorithm;
  }
  if (auto it = query.find("digits"); it != query.end()) {
    auto digits = parse_int(it->second);
    if (!digits) return bad_uri("malformed digits");
    params.digits = *digits;
  }
  if (auto it = query.find("period"); it != query.end()) {
    auto period = parse_int(it->second);
    if (!period) return bad_uri("malformed period");
    params.period = *period;
  }
  if (auto ok = validate_params(params); !ok) return bad_uri(ok.error().message);
  return params;
}

}  // namespace

std::string build_otpauth_uri(std::string_view issuer, std::string_view account,
                              std::span<const std::uint8_t> secret, const Params& params) {
  std::string uri(kScheme);
  uri += "totp/";
  if (!issuer.empty()) uri += percent_encode(issuer) + ":";
  uri += percent_encode(account);
  uri += "?secret=" + core::base32_encode(secret);
  if (!issuer.empty()) uri += "&issuer=" + percent_encode(issuer);
  uri += "&algorithm=";
  uri += algorithm_name(params.algorithm);
  uri += "&digits=" + std::to_string(params.digits);
  uri += "&period=" + std::to_string(params.period);
  return uri;
}

core::Result<OtpauthKey> parse_otpauth_uri(std::string_view uri) {
  if (uri.size() < kScheme.size() || !iequals(uri.substr(0, kScheme.size()), kScheme)) {
    return bad_uri("not an otpauth URI");
  }
  uri.remove_prefix(kScheme.size());
  uri = uri.substr(0, uri.find('#'));
  const std::size_t slash = uri.find('/');
  if (slash == std::string_view::npos || !iequals(uri.substr(0, slash), "totp")) {
    return bad_uri("only totp URIs are supported");
  }
  const std::string_view rest = uri.substr(slash + 1);
  const std::size_t question = rest.find('?');
  if (question == std::string_view::npos) return bad_uri("missing parameters");

  auto query = parse_query(rest.substr(question + 1));
  if (!query) return std::unexpected(query.error());
  auto label = parse_label(rest.substr(0, question), *query);
  if (!label) return std::unexpected(label.error());
  auto params = parse_params(*query);
  if (!params) return std::unexpected(params.error());

  OtpauthKey key;
  key.params = *params;
  key.account = std::move(label->account);
  auto issuer_param = query->find("issuer");
  if (label->issuer && issuer_param != query->end() && *label->issuer != issuer_param->second) {
    return bad_uri("issuer prefix and issuer parameter differ");
  }
  if (issuer_param != query->end()) {
    key.issuer = issuer_param->second;
  } else if (label->issuer) {
    key.issuer = *label->issuer;
  }
  auto secret_it = query->find("secret");
  if (secret_it == query->end()) return bad_uri("missing secret");
  auto secret = core::base32_decode(secret_it->second);
  if (!secret || secret->empty()) return bad_uri("malformed secret");
  key.secret = core::SecretBytes(std::span<const std::uint8_t>(*secret));
  std::fill(secret->begin(), secret->end(), std::uint8_t{0});
  std::fill(secret_it->second.begin(), secret_it->second.end(), '\0');
  return key;
}

}  // namespace twostep::totp
