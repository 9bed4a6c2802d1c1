// Parsing, validation and formatting of phone numbers across countries (libphonenumber).
#include "phone/numbers.hpp"

#include <gtest/gtest.h>

#include <ostream>

namespace twostep::phone {
namespace {

struct Case {
  const char* input;
  const char* region;
  const char* e164;
  NumberKind kind;
  const char* display;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.input << " in " << c.region; }

class ParseNumberCountries : public ::testing::TestWithParam<Case> {};

TEST_P(ParseNumberCountries, GivesE164KindAndInternationalFormat) {
  const Case& c = GetParam();
  const auto parsed = parse_number(c.input, c.region);
  ASSERT_TRUE(parsed) << c.input << ": " << parsed.error().message;
  EXPECT_EQ(parsed->e164, c.e164);
  EXPECT_EQ(parsed->kind, c.kind) << to_string(parsed->kind);
  EXPECT_EQ(parsed->extension, "");
  EXPECT_EQ(format_international(parsed->e164), c.display);
}

INSTANTIATE_TEST_SUITE_P(
    Countries, ParseNumberCountries,
    ::testing::Values(
        // The brief's example, with the country code, in any default region.
        Case{"+31 6 12345678", "US", "+31612345678", NumberKind::kMobile, "+31 6 12345678"},
        Case{"06-12345678", "NL", "+31612345678", NumberKind::kMobile, "+31 6 12345678"},
        Case{"020 123 4567", "NL", "+31201234567", NumberKind::kFixedLine, "+31 20 123 4567"},
        Case{"(201) 555-0123", "US", "+12015550123", NumberKind::kFixedOrMobile, "+1 201-555-0123"},
        Case{"+1 425 555 0100", "NL", "+14255550100", NumberKind::kFixedOrMobile,
             "+1 425-555-0100"},
        Case{"07400 123456", "GB", "+447400123456", NumberKind::kMobile, "+44 7400 123456"},
        Case{"020 7946 0958", "GB", "+442079460958", NumberKind::kFixedLine, "+44 20 7946 0958"},
        Case{"0151 23456789", "DE", "+4915123456789", NumberKind::kMobile, "+49 1512 3456789"},
        Case{"030 123456", "DE", "+4930123456", NumberKind::kFixedLine, "+49 30 123456"},
        Case{"090-1234-5678", "JP", "+819012345678", NumberKind::kMobile, "+81 90-1234-5678"},
        Case{"03-1234-5678", "JP", "+81312345678", NumberKind::kFixedLine, "+81 3-1234-5678"},
        Case{"98765 43210", "IN", "+919876543210", NumberKind::kMobile, "+91 98765 43210"},
        // An international prefix instead of "+".
        Case{"0031 6 12345678", "NL", "+31612345678", NumberKind::kMobile, "+31 6 12345678"},
        Case{"011 31 6 12345678", "US", "+31612345678", NumberKind::kMobile, "+31 6 12345678"}));

TEST(ParseNumber, ReportsTheRegionOfTheNumber) {
  EXPECT_EQ(parse_number("+81 90 1234 5678", "US")->region, "JP");
  EXPECT_EQ(parse_number("+49 30 123456", "US")->region, "DE");
}

TEST(ParseNumber, ReadsOfficeExtensions) {
  for (const char* input :
       {"+1 425 555 0100 x123", "+1 425 555 0100 ext. 123", "+1 425 555 0100 ext 123",
        "+1 425 555 0100;ext=123", "+1 (425) 555-0100 extension 123", "425 555 0100 #123"}) {
    const auto parsed = parse_number(input, "US");
    ASSERT_TRUE(parsed) << input << ": " << parsed.error().message;
    EXPECT_EQ(parsed->e164, "+14255550100") << input;
    EXPECT_EQ(parsed->extension, "123") << input;
  }
  EXPECT_EQ(format_international("+14255550100", "123"), "+1 425-555-0100 ext. 123");
  // Found by the phone fuzz target: the displayed form reads back at the longest extension.
  const std::string display = format_international("+442079460018", "1234567890");
  EXPECT_EQ(display, "+44 20 7946 0018 ext. 1234567890");
  EXPECT_EQ(parse_number(display, "US")->extension, "1234567890");
}

void expect_invalid(std::string_view input, std::string_view region) {
  const auto parsed = parse_number(input, region);
  ASSERT_FALSE(parsed) << input << " parsed as " << parsed->e164;
  EXPECT_EQ(parsed.error().kind, core::ErrorKind::kInvalidInput) << input;
  EXPECT_EQ(parsed.error().code, "invalid_phone_number") << input;
  EXPECT_EQ(parsed.error().field, "number") << input;
  EXPECT_FALSE(parsed.error().message.empty());
}

TEST(ParseNumber, RejectsTooShortNumbers) {
  expect_invalid("12", "US");
  expect_invalid("+31 6 1234", "NL");
  expect_invalid("+1", "US");
}

TEST(ParseNumber, RejectsLettersEvenWhereKeypadLettersWouldMakeANumber) {
  expect_invalid("abc", "US");
  expect_invalid("+31 6 1234abcd", "NL");  // libphonenumber alone would read abcd as 2223
  expect_invalid("1-800-FLOWERS", "US");
  expect_invalid("+1 425 555 0100 x12a", "US");
  expect_invalid("+1 425 555 0100 x", "US");
}

TEST(ParseNumber, RejectsNumbersThatAreNotValidInTheirRegion) {
  expect_invalid("612345678", "US");  // a Dutch mobile without its country code
  expect_invalid("+44 20 7946", "GB");
  expect_invalid("+999 1234 5678", "US");   // no such country code
  expect_invalid("+1 555 555 5555", "US");  // no such US area code
}

TEST(ParseNumber, AsksForACountryCodeWhenTheRegionIsUnknown) {
  const auto parsed = parse_number("0612345678", "ZZ");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, "invalid_phone_number");
  EXPECT_NE(parsed.error().message.find("country code"), std::string::npos);
  EXPECT_TRUE(parse_number("+31612345678", "ZZ"));
}

TEST(ParseNumber, RejectsEmptyAndOverlongInputAndNamesTheField) {
  expect_invalid("", "US");
  expect_invalid("   ", "US");
  expect_invalid(std::string(kMaxNumberInput + 1, '1'), "US");
  expect_invalid("+1 425 555 0100 x12345678901", "US");  // 11-digit extension
  expect_invalid("+49 30 1234567890123", "US");  // valid to libphonenumber, 17 digits > E.164's 15
  const auto parsed = parse_number("12", "US", "phone");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().field, "phone");
}

TEST(ParseNumber, ClassifiesNumbersThatCannotTakeCodes) {
  const auto toll_free = parse_number("+1 800 555 0199", "US");
  ASSERT_TRUE(toll_free);
  EXPECT_EQ(toll_free->kind, NumberKind::kTollFree);
  EXPECT_FALSE(toll_free->acceptable());
  const auto premium = parse_number("0909 8790000", "GB");
  ASSERT_TRUE(premium);
  EXPECT_EQ(premium->kind, NumberKind::kPremium);
  EXPECT_FALSE(premium->acceptable());
  const auto fixed = parse_number("+49 30 123456", "US");
  ASSERT_TRUE(fixed);
  EXPECT_TRUE(fixed->acceptable());
  EXPECT_FALSE(fixed->can_receive_sms());
  const auto mobile = parse_number("+49 151 23456789", "US");
  EXPECT_TRUE(mobile->can_receive_sms());
}

TEST(SupportedRegion, KnowsRegionCodes) {
  EXPECT_TRUE(is_supported_region("US"));
  EXPECT_TRUE(is_supported_region("NL"));
  EXPECT_FALSE(is_supported_region("XX"));
  EXPECT_FALSE(is_supported_region("us"));
  EXPECT_FALSE(is_supported_region(""));
}

TEST(MaskNumber, HidesAllButTheCountryCodeAndTheLastDigits) {
  EXPECT_EQ(mask_number("+31612345678"), "+31*******78");
  EXPECT_EQ(mask_number("+14255550100", 4), "+1******0100");
  EXPECT_EQ(mask_number("+819012345678", 2), "+81********78");
}

TEST(FormatInternational, FallsBackToTheStoredTextWhenItDoesNotParse) {
  EXPECT_EQ(format_international("not a number"), "not a number");
}

}  // namespace
}  // namespace twostep::phone
