#include "account/passwords.hpp"

#include <argon2.h>

#include <array>
#include <charconv>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <vector>

#include "account/text.hpp"
#include "core/crypto.hpp"

namespace twostep::account {

namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// Bounds for parameters read back from a stored hash, so a corrupt row cannot make a
// verification allocate gigabytes or spin for minutes.
constexpr std::uint32_t kMaxMemoryKib = 256 * 1024;
constexpr std::uint32_t kMaxIterations = 16;
constexpr std::uint32_t kMaxLanes = 8;

// Argon2 needs `memory_kib` of scratch memory per hash. A fresh allocation per call costs
// an mmap and a page fault per page (several times the hash itself), so every worker
// thread keeps its buffer for the next hash. Argon2 wipes it before "freeing".
struct Scratch {
  std::unique_ptr<std::uint8_t[]> data;
  std::size_t size = 0;
};
thread_local Scratch scratch;

int allocate_scratch(std::uint8_t** memory, std::size_t bytes) {
  if (scratch.size < bytes) {
    scratch.data.reset(new (std::nothrow) std::uint8_t[bytes]);
    scratch.size = scratch.data ? bytes : 0;
    if (!scratch.data) return ARGON2_MEMORY_ALLOCATION_ERROR;
  }
  *memory = scratch.data.get();
  return ARGON2_OK;
}

void keep_scratch(std::uint8_t*, std::size_t) {}

bool argon2id_raw(std::string_view password, std::span<const std::uint8_t> salt,
                  const Argon2Params& p, std::span<std::uint8_t> out) {
  argon2_context ctx{};
  ctx.out = out.data();
  ctx.outlen = static_cast<std::uint32_t>(out.size());
  // Argon2 only writes to pwd when ARGON2_FLAG_CLEAR_PASSWORD is set, which we never set.
  ctx.pwd = reinterpret_cast<std::uint8_t*>(const_cast<char*>(password.data()));
  ctx.pwdlen = static_cast<std::uint32_t>(password.size());
  ctx.salt = const_cast<std::uint8_t*>(salt.data());
  ctx.saltlen = static_cast<std::uint32_t>(salt.size());
  ctx.t_cost = p.iterations;
  ctx.m_cost = p.memory_kib;
  ctx.lanes = p.lanes;
  ctx.threads = p.lanes;
  ctx.version = ARGON2_VERSION_13;
  ctx.allocate_cbk = allocate_scratch;
  ctx.free_cbk = keep_scratch;
  ctx.flags = ARGON2_DEFAULT_FLAGS;
  int rc = argon2id_ctx(&ctx);
  if (rc == ARGON2_MEMORY_ALLOCATION_ERROR) throw std::bad_alloc();
  return rc == ARGON2_OK;
}

// PHC strings use standard base64 without padding.
constexpr std::string_view kB64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string b64_encode(std::span<const std::uint8_t> data) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::uint8_t byte : data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kB64[(acc << (6 - bits)) & 0x3F]);
  return out;
}

std::optional<std::vector<std::uint8_t>> b64_decode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    auto pos = kB64.find(c);
    if (pos == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

struct Parsed {
  Argon2Params params;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

std::optional<std::uint32_t> parse_param(std::string_view field, std::string_view name,
                                         std::uint32_t max) {
  if (field.size() <= name.size() + 1 || !field.starts_with(name) || field[name.size()] != '=') {
    return std::nullopt;
  }
  field.remove_prefix(name.size() + 1);
  std::uint32_t value = 0;
  auto [ptr, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
  if (ec != std::errc() || ptr != field.data() + field.size() || value == 0 || value > max) {
    return std::nullopt;
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == sep) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::optional<Parsed> parse_encoded(std::string_view encoded) {
  auto parts = split(encoded, '$');
  if (parts.size() != 6 || !parts[0].empty() || parts[1] != "argon2id" || parts[2] != "v=19") {
    return std::nullopt;
  }
  auto costs = split(parts[3], ',');
  if (costs.size() != 3) return std::nullopt;
  auto m = parse_param(costs[0], "m", kMaxMemoryKib);
  auto t = parse_param(costs[1], "t", kMaxIterations);
  auto p = parse_param(costs[2], "p", kMaxLanes);
  auto salt = b64_decode(parts[4]);
  auto hash = b64_decode(parts[5]);
  if (!m || !t || !p || !salt || !hash) return std::nullopt;
  if (salt->size() < ARGON2_MIN_SALT_LENGTH || hash->size() < ARGON2_MIN_OUTLEN) {
    return std::nullopt;
  }
  if (*m < 8 * *p) return std::nullopt;  // Argon2's own lower bound on memory
  return Parsed{{*m, *t, *p}, std::move(*salt), std::move(*hash)};
}

}  // namespace

core::Result<void> check_password_policy(std::string_view password) {
  if (password.size() > kMaxPasswordBytes || !is_valid_utf8(password)) {
    return core::fail(core::ErrorKind::kInvalidInput, "invalid_password",
                      "password must be valid UTF-8 of at most 1024 bytes", "password");
  }
  if (utf8_length(password) < kMinPasswordChars) {
    return core::fail(core::ErrorKind::kInvalidInput, "weak_password",
                      "password must be at least 12 characters long", "password");
  }
  return {};
}

std::string hash_password(std::string_view password, core::Random& random,
                          const Argon2Params& params) {
  std::array<std::uint8_t, kSaltBytes> salt{};
  random.fill(salt);
  std::array<std::uint8_t, kHashBytes> hash{};
  if (!argon2id_raw(password, salt, params, hash)) {
    throw std::invalid_argument("argon2id: parameters out of range");
  }
  return "$argon2id$v=19$m=" + std::to_string(params.memory_kib) +
         ",t=" + std::to_string(params.iterations) + ",p=" + std::to_string(params.lanes) + "$" +
         b64_encode(salt) + "$" + b64_encode(hash);
}

bool verify_password(std::string_view encoded, std::string_view password) {
  if (password.size() > kMaxPasswordBytes) return false;
  auto parsed = parse_encoded(encoded);
  if (!parsed) return false;
  std::vector<std::uint8_t> computed(parsed->hash.size());
  if (!argon2id_raw(password, parsed->salt, parsed->params, computed)) return false;
  return core::constant_time_equal(computed, parsed->hash);
}

bool password_needs_rehash(std::string_view encoded, const Argon2Params& params) {
  auto parsed = parse_encoded(encoded);
  if (!parsed) return true;
  const auto& p = parsed->params;
  return p.memory_kib != params.memory_kib || p.iterations != params.iterations ||
         p.lanes != params.lanes || parsed->salt.size() != kSaltBytes ||
         parsed->hash.size() != kHashBytes;
}

}  // namespace twostep::account
