// Code generation, keyed hashing and message wording; see codes.hpp.
#include "phone/codes.hpp"

#include <stdexcept>

#include "core/crypto.hpp"
#include "core/encoding.hpp"

namespace twostep::phone {
namespace {

std::string spelled_out(std::string_view code) {
  std::string out;
  for (char digit : code) {
    if (!out.empty()) out += ", ";
    out.push_back(digit);
  }
  return out;
}

}  // namespace

std::string new_code(core::Random& random) { return random.digits(kCodeDigits); }

CodeHasher::CodeHasher(core::SecretBytes key) : key_(std::move(key)) {
  if (key_.empty()) throw std::invalid_argument("phone code key must not be empty");
}

std::string CodeHasher::hash(std::string_view owner_id, std::string_view code) const {
  std::string input(owner_id);
  input += ':';
  input += code;
  return core::hex_encode(core::hmac_sha256(key_.view(), core::as_bytes(input)));
}

bool CodeHasher::matches(std::string_view stored_hash, std::string_view owner_id,
                         std::string_view code) const {
  return core::constant_time_equal(hash(owner_id, code), stored_hash);
}

std::string normalise_code(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c != ' ' && c != '-') out.push_back(c);
  }
  return out;
}

Message code_message(Channel channel, Purpose purpose, std::string_view to,
                     std::string_view extension, const std::string& code,
                     std::chrono::seconds lifetime) {
  const auto minutes = std::chrono::ceil<std::chrono::minutes>(lifetime).count();
  const std::string expires =
      " It expires in " + std::to_string(minutes) + (minutes == 1 ? " minute." : " minutes.");
  std::string text;
  if (channel == Channel::kVoice) {
    const std::string digits = spelled_out(code);
    text = "Your twostep code is " + digits + ". Again: " + digits + ".";
  } else if (purpose == Purpose::kVerification) {
    text = "Your twostep code to confirm this phone number is " + code + "." + expires +
           " Never share it.";
  } else {
    text = "Your twostep sign-in code is " + code + "." + expires + " Never share it.";
  }
  return Message{channel, std::string(to), std::string(extension), std::move(text), code, purpose};
}

}  // namespace twostep::phone
