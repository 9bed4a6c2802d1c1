// The vocabulary of phone methods: the three phone slots a user has, the two channels a code
// travels on, the organisation's settings for codes, a stored phone, and the record of a
// change that server/ announces as a security notice. Plain data; the rules live in
// phone_service.hpp.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "totp/rules.hpp"

namespace twostep::phone {

/// Prefix of sign-in code transaction ids, so `GET /v1/auth/transactions/{txid}` can route
/// between push ("ptx") and phone ("stx") transactions.
inline constexpr std::string_view kTxidPrefix = "stx";
/// Prefix of phone-change verification ids (`verification_id` on the wire).
inline constexpr std::string_view kVerificationIdPrefix = "pvf";

/// A user's phone slots: one number each.
enum class PhoneType { kMobile, kAlternateMobile, kOffice };
std::string_view to_string(PhoneType type);
/// "mobile" | "alternate_mobile" | "office"; nullopt otherwise.
std::optional<PhoneType> parse_phone_type(std::string_view text);

/// How a code reaches the phone.
enum class Channel { kSms, kVoice };
std::string_view to_string(Channel channel);
/// "sms" | "voice"; nullopt otherwise.
std::optional<Channel> parse_channel(std::string_view text);

/// Mobile phones take both text messages and calls; the office phone takes calls only (a
/// desk line cannot read a text, and an office number may need an extension dialled).
bool supports(PhoneType type, Channel channel);
/// The channel used when the caller names none: SMS where the phone supports it.
Channel default_channel(PhoneType type);

/// The phone that a preferred method relies on. The preferred methods "sms" and "voice"
/// both use the mobile phone (the seed's "primary" number): changing it must be verified
/// first and removing it is refused while that method is preferred. Other methods
/// ("push", "totp", none) rely on no phone.
std::optional<PhoneType> phone_for_preferred_method(std::string_view preferred_method);

/// Limits on sending codes, counted in the store so that they hold across nodes. A send is
/// refused when the user, or the number, already had this many codes within `window`.
struct SendLimits {
  int per_user = 5;
  int per_number = 3;
  std::chrono::seconds window{600};
};

/// The organisation's phone settings, filled by server/ from account::Settings and config.
struct PhoneSettings {
  static constexpr std::chrono::seconds kMaxCodeLifetime{600};  // codes live ≤ 10 minutes
  bool verify_all_changes = false;                              // verify_all_phone_changes
  totp::LockoutPolicy lockout;              // lockout_threshold, lockout_minutes
  std::string default_region = "US";        // for numbers typed without a country code
  std::chrono::seconds code_lifetime{600};  // clamped to [60 s, kMaxCodeLifetime]
  int max_code_attempts = 3;                // wrong codes before one code is void
  SendLimits limits;

  std::chrono::seconds effective_code_lifetime() const;
};

/// A phone stored for a user.
struct Phone {
  std::string user_id;
  PhoneType type = PhoneType::kMobile;
  std::string e164;
  std::string extension;                       // office phones only; "" when none
  std::optional<core::TimePoint> verified_at;  // last proven by a code sent to it
  core::TimePoint created_at;
  core::TimePoint updated_at;
};

/// {"type","number" (E.164),"extension"?,"display" (international format),"methods":
/// ["sms","voice"],"verified","verified_at"?,"created_at","updated_at"}: the `{phone}` of
/// the self-service API and an item of `phones` in the methods listing.
boost::json::object phone_to_json(const Phone& phone);

/// What happened to a phone slot.
enum class ChangeKind { kAdded, kChanged, kRemoved };
std::string_view to_string(ChangeKind kind);

/// One committed change of a phone slot, for the security notices of SPEC.md capability
/// 11: server/ queues a `phone_changed` device notice with notice_detail() and calls
/// PhoneService::send_change_notice() to message the old number.
struct PhoneChange {
  std::string user_id;
  PhoneType type = PhoneType::kMobile;
  ChangeKind kind = ChangeKind::kAdded;
  std::string old_e164;  // "" when added
  std::string old_extension;
  std::string new_e164;  // "" when removed
  std::string new_extension;
  bool verified = false;  // the new number was proven with a code before it was saved
  core::TimePoint time;
};

/// {"phone":"mobile","change":"changed","number":"+31*******78","verified":true} — the
/// new number (or the removed one) masked; never a whole number on a device notice.
boost::json::object notice_detail(const PhoneChange& change);

}  // namespace twostep::phone
