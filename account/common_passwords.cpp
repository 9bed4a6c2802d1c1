#include "account/common_passwords.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "account/passwords.hpp"

namespace twostep::account {
namespace {

// Whole passwords of 12+ characters from the top of public breach corpora (lower case).
constexpr std::string_view kCommonLong[] = {
    "123456789012",     "1234567890123",    "12345678901234",     "123456789123",
    "1234567891011",    "123451234512345",  "1q2w3e4r5t6y",       "1q2w3e4r5t6y7u",
    "1qaz2wsx3edc",     "1qaz2wsx3edc4rfv", "zaq12wsxcde3",       "zaq1zaq1zaq1",
    "qazwsxedcrfv",     "qwertyuiopasdf",   "qwertyuiop123",      "qwerty123456",
    "qwerty12345678",   "asdfghjkl123",     "asdfghjkl;'",        "zxcvbnm12345",
    "1234qwerasdf",     "1234qwerasdfzxcv", "qweasdzxc123",       "q1w2e3r4t5y6",
    "a1b2c3d4e5f6",     "abc123abc123",     "abcd1234abcd",       "passwordpassword",
    "password1234",     "password12345",    "password123456",     "password123!",
    "passw0rd1234",     "p@ssw0rd1234",     "p@ssword1234",       "iloveyou1234",
    "iloveyouiloveyou", "trustno1trustno1", "administrator",      "administrator1",
    "letmein12345",     "welcome12345",     "welcome123456",      "changeme1234",
    "changeme12345",    "default12345",     "secret123456",       "football1234",
    "baseball1234",     "basketball12",     "superman1234",       "starwars1234",
    "princess1234",     "sunshine1234",     "whatever1234",       "computer1234",
    "internet1234",     "michael12345",     "jennifer1234",       "mypassword12",
    "mypassword123",    "thisisapassword",  "thisismypassword",   "correcthorsebatterystaple",
    "letmeinletmein",   "nopassword123",    "firstname.lastname", "987654321000",
    "098765432109",     "11223344556677",   "112233445566",       "121212121212"};

// Words that, dressed with digits and symbols, make most weak long passwords.
constexpr std::string_view kCommonWords[] = {
    "password",      "passwort",   "passord",   "motdepasse", "contrasena", "senha",
    "qwerty",        "qwertz",     "azerty",    "letmein",    "welcome",    "admin",
    "administrator", "root",       "login",     "changeme",   "default",    "secret",
    "iloveyou",      "loveyou",    "love",      "monkey",     "dragon",     "master",
    "shadow",        "sunshine",   "princess",  "football",   "baseball",   "basketball",
    "soccer",        "hockey",     "superman",  "batman",     "spiderman",  "starwars",
    "pokemon",       "trustno",    "whatever",  "freedom",    "computer",   "internet",
    "michael",       "jennifer",   "jessica",   "charlie",    "jordan",     "thomas",
    "daniel",        "robert",     "matthew",   "andrew",     "joshua",     "william",
    "ashley",        "amanda",     "nicole",    "hannah",     "summer",     "winter",
    "spring",        "autumn",     "january",   "february",   "march",      "april",
    "june",          "july",       "august",    "september",  "october",    "november",
    "december",      "monday",     "friday",    "sunday",     "hello",      "hellohello",
    "helloworld",    "test",       "testing",   "tester",     "guest",      "user",
    "access",        "company",    "office",    "business",   "service",    "support",
    "system",        "server",     "network",   "security",   "twostep",    "mustang",
    "ferrari",       "porsche",    "corvette",  "harley",     "yankees",    "liverpool",
    "chelsea",       "arsenal",    "barcelona", "madrid",     "london",     "paris",
    "berlin",        "america",    "canada",    "toronto",    "chocolate",  "cookie",
    "banana",        "orange",     "apple",     "cheese",     "pepper",     "ginger",
    "flower",        "rainbow",    "butterfly", "angel",      "heaven",     "jesus",
    "christ",        "blessed",    "lovely",    "sweetheart", "babygirl",   "princesa",
    "family",        "forever",    "together",  "friends",    "myspace",    "facebook",
    "google",        "linkedin",   "twitter",   "youtube",    "minecraft",  "fortnite",
    "killer",        "hunter",     "ranger",    "tigger",     "snoopy",     "buster",
    "lucky",         "maggie",     "bailey",    "letmeinnow", "mypassword", "nopassword",
    "thisisit",      "opensesame", "abcdef",    "abc",        "asdf",       "zxcv"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_letter(char c) { return c >= 'a' && c <= 'z'; }

// Common substitutions undone ("p@ssw0rd" → "password").
std::string unleet(std::string s) {
  for (char& c : s) {
    switch (c) {
      case '@':
      case '4':
        c = 'a';
        break;
      case '0':
        c = 'o';
        break;
      case '1':
      case '!':
        c = 'i';
        break;
      case '3':
        c = 'e';
        break;
      case '$':
      case '5':
        c = 's';
        break;
      case '7':
        c = 't';
        break;
      default:
        break;
    }
  }
  return s;
}

// The password without the digits and symbols at its ends ("Summer2024!" → "summer").
std::string_view core_word(std::string_view s) {
  while (!s.empty() && !is_letter(s.front())) s.remove_prefix(1);
  while (!s.empty() && !is_letter(s.back())) s.remove_suffix(1);
  return s;
}

bool is_word(std::string_view s) {
  return std::find(std::begin(kCommonWords), std::end(kCommonWords), s) != std::end(kCommonWords);
}

// One unit repeated: "abcabcabcabc", "passwordpassword".
bool is_repetition(std::string_view s, bool (*unit_ok)(std::string_view)) {
  for (std::size_t unit = 1; unit <= s.size() / 2; ++unit) {
    if (s.size() % unit != 0) continue;
    bool repeats = true;
    for (std::size_t i = unit; i < s.size() && repeats; ++i) repeats = s[i] == s[i - unit];
    if (repeats && unit_ok(s.substr(0, unit))) return true;
  }
  return false;
}

bool any_unit(std::string_view) { return true; }

// A run along one of these lines, forwards or backwards ("1234567890", "qwertyuiop").
bool is_run(std::string_view s) {
  static constexpr std::array<std::string_view, 5> kLines{
      "abcdefghijklmnopqrstuvwxyz", "01234567890123456789", "qwertyuiopasdfghjklzxcvbnm",
      "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "azertyuiopqsdfghjklmwxcvbn"};
  if (s.size() < 4) return false;
  std::string reversed(s.rbegin(), s.rend());
  for (auto line : kLines) {
    if (line.find(s) != std::string_view::npos || line.find(reversed) != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

// A password that is a common word, a run or a repetition once its dressing is removed.
bool is_weak_core(std::string_view core) {
  // Too little text left to judge: the runs and repetitions of the whole were checked.
  if (core.size() < 3) return false;
  return is_word(core) || is_run(core) || is_repetition(core, is_word) ||
         is_repetition(core, any_unit);
}

}  // namespace

bool is_common_password(std::string_view password) {
  const std::string text = lower(password);
  if (std::find(std::begin(kCommonLong), std::end(kCommonLong), text) != std::end(kCommonLong))
    return true;
  if (is_run(text) || is_repetition(text, any_unit)) return true;
  const std::string_view core = core_word(text);
  return is_weak_core(core) || is_weak_core(unleet(std::string(core)));
}

core::Result<void> check_new_password(std::string_view password, std::string_view username) {
  if (auto ok = check_password_policy(password); !ok) return ok;
  const std::string text = lower(password);
  const std::string name = lower(username);
  if (is_common_password(password) || (name.size() >= 4 && text.find(name) != std::string::npos)) {
    return core::fail(core::ErrorKind::kInvalidInput, "weak_password",
                      "this password is too common or too easy to guess; choose another",
                      "password");
  }
  return {};
}

}  // namespace twostep::account
