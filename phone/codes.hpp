// One-time codes sent by text message or call: how they are made (6 digits from Random),
// how they are kept (an HMAC bound to the verification or transaction they belong to, never
// the code itself), and the words that carry them.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/random.hpp"
#include "core/secret.hpp"
#include "phone/provider.hpp"
#include "phone/types.hpp"

namespace twostep::phone {

inline constexpr std::size_t kCodeDigits = 6;

/// A fresh code: kCodeDigits uniform decimal digits.
std::string new_code(core::Random& random);

/// Keeps codes as HMAC-SHA256(key, owner_id + ":" + code) in hex. Binding the owner id in
/// means a stored hash opens no other verification or transaction, and the key (derived by
/// server/ from the master key, which never enters the database) means a copy of the
/// database is no dictionary for a 6-digit code.
class CodeHasher {
 public:
  /// Throws std::invalid_argument on an empty key (a start-up error).
  explicit CodeHasher(core::SecretBytes key);
  std::string hash(std::string_view owner_id, std::string_view code) const;
  /// Constant-time comparison of `code`'s hash with `stored_hash`.
  bool matches(std::string_view stored_hash, std::string_view owner_id,
               std::string_view code) const;

 private:
  core::SecretBytes key_;
};

/// The code as typed without the spaces and dashes people put in ("123 456", "123-456").
std::string normalise_code(std::string_view typed);

/// The message that carries a code. Text messages show it whole; calls read it digit by
/// digit, twice ("Your twostep code is 1, 2, 3, 4, 5, 6. Again: 1, 2, 3, 4, 5, 6."). The text
/// says how long the code lives (`lifetime`, rounded up to whole minutes).
Message code_message(Channel channel, Purpose purpose, std::string_view to,
                     std::string_view extension, const std::string& code,
                     std::chrono::seconds lifetime);

}  // namespace twostep::phone
