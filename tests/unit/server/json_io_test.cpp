#include "server/json_io.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace twostep::server {
namespace {

namespace json = boost::json;

HttpRequest json_request(std::string body, std::string content_type = "application/json") {
  HttpRequest request;
  request.headers.emplace_back("content-type", std::move(content_type));
  request.body = std::move(body);
  return request;
}

json::object object_of(std::string_view text) { return json::parse(text).as_object(); }

void expect_invalid(const core::Error& error, std::string_view code, std::string_view field) {
  EXPECT_EQ(error.kind, core::ErrorKind::kInvalidInput);
  EXPECT_EQ(error.code, code);
  EXPECT_EQ(error.field, field);
}

TEST(ParseJsonObject, AcceptsObjectWithJsonContentType) {
  for (std::string type : {"application/json", "application/json; charset=utf-8",
                           "Application/JSON;charset=\"UTF-8\""}) {
    auto body = parse_json_object(json_request(R"({"a":1})", type));
    ASSERT_TRUE(body.has_value()) << type;
    EXPECT_EQ(body->at("a").as_int64(), 1);
  }
}

TEST(ParseJsonObject, RefusesOtherContentTypesWith415) {
  for (std::string type : {"", "text/plain", "application/json; charset=latin1",
                           "application/json; boundary=x", "application/jsonx"}) {
    auto body = parse_json_object(json_request("{}", type));
    ASSERT_FALSE(body.has_value()) << type;
    EXPECT_EQ(body.error().kind, core::ErrorKind::kUnsupportedMedia);
    EXPECT_EQ(body.error().code, "unsupported_media_type");
  }
}

TEST(ParseJsonObject, RefusesEmptyMalformedAndNonObjectBodies) {
  for (std::string text :
       {"", "{", "{\"a\":}", "[1,2]", "\"x\"", "42", "{} trailing", "{\"a\":\"\xff\"}"}) {
    auto body = parse_json_object(json_request(text));
    ASSERT_FALSE(body.has_value()) << text;
    EXPECT_EQ(body.error().kind, core::ErrorKind::kInvalidInput);
    EXPECT_EQ(body.error().code, "invalid_json");
  }
}

std::string nested(std::size_t depth) {
  std::string text = "{\"a\":";
  for (std::size_t i = 1; i < depth; ++i) text += "[";
  text += "1";
  for (std::size_t i = 1; i < depth; ++i) text += "]";
  return text + "}";
}

TEST(ParseJsonObject, AllowsDepth32AndRefusesDepth33) {
  EXPECT_TRUE(parse_json_object(json_request(nested(32))).has_value());
  auto deep = parse_json_object(json_request(nested(33)));
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().code, "invalid_json");
  EXPECT_NE(deep.error().message.find("32"), std::string::npos);
}

TEST(RequiredString, ReturnsValueWithinLengthCountedInCodePoints) {
  auto body = object_of(R"({"username":"zoë","display_name":"日本語"})");
  EXPECT_EQ(required_string(body, "username", 1, 3).value(), "zoë");
  EXPECT_EQ(required_string(body, "display_name", 3, 3).value(), "日本語");
}

TEST(RequiredString, NamesTheFieldWhenMissingWrongTypeOrLength) {
  auto body = object_of(R"({"a":5,"b":"","c":"toolong","d":null})");
  for (std::string_view field : {"a", "b", "c", "d", "missing"}) {
    auto r = required_string(body, field, 1, 4);
    ASSERT_FALSE(r.has_value()) << field;
    expect_invalid(r.error(), "invalid_" + std::string(field), field);
    EXPECT_EQ(r.error().message, std::string(field) + " must be a string of 1 to 4 characters");
  }
}

TEST(RequiredString, RefusesControlCharacters) {
  auto r = required_string(object_of(R"({"username":"a\nb"})"), "username", 1, 64);
  ASSERT_FALSE(r.has_value());
  expect_invalid(r.error(), "invalid_username", "username");
}

TEST(OptionalString, AbsentAndNullAreNothingButWrongTypeIsAnError) {
  auto body = object_of(R"({"n":null,"x":1,"s":"ok"})");
  EXPECT_FALSE(optional_string(body, "absent", 0, 10).value().has_value());
  EXPECT_FALSE(optional_string(body, "n", 0, 10).value().has_value());
  EXPECT_EQ(optional_string(body, "s", 0, 10).value().value(), "ok");
  auto bad = optional_string(body, "x", 0, 10);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message, "x must be a string of at most 10 characters");
}

TEST(Bools, AcceptOnlyJsonBooleans) {
  auto body = object_of(R"({"t":true,"f":false,"s":"true","i":1})");
  EXPECT_TRUE(required_bool(body, "t").value());
  EXPECT_FALSE(optional_bool(body, "f").value().value());
  EXPECT_FALSE(optional_bool(body, "absent").value().has_value());
  for (std::string_view field : {"s", "i"}) {
    auto r = optional_bool(body, field);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message, std::string(field) + " must be true or false");
  }
  expect_invalid(required_bool(body, "absent").error(), "invalid_absent", "absent");
}

TEST(Ints, AcceptIntegersInRangeOnly) {
  auto body = object_of(R"({"h":24,"big":18446744073709551615,"f":1.0,"s":"5","neg":-1})");
  EXPECT_EQ(required_int(body, "h", 1, 720).value(), 24);
  EXPECT_EQ(optional_int(body, "neg", -5, 5).value().value(), -1);
  EXPECT_FALSE(optional_int(body, "absent", 0, 1).value().has_value());
  for (std::string_view field : {"big", "f", "s", "neg"}) {
    auto r = optional_int(body, field, 0, 720);
    ASSERT_FALSE(r.has_value()) << field;
    EXPECT_EQ(r.error().message, std::string(field) + " must be an integer from 0 to 720");
  }
  EXPECT_FALSE(required_int(body, "h", 25, 30).has_value());
}

TEST(Enums, AcceptListedValuesOnly) {
  auto body = object_of(R"({"status":"active","bad":"gone","num":3})");
  EXPECT_EQ(required_enum(body, "status", {"active", "disabled"}).value(), "active");
  auto r = required_enum(body, "bad", {"active", "disabled"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message, "bad must be one of: active, disabled");
  EXPECT_FALSE(optional_enum(body, "num", {"a"}).has_value());
  EXPECT_FALSE(optional_enum(body, "absent", {"a"}).value().has_value());
}

TEST(OptionalObject, ReturnsNestedObjectOrNull) {
  auto body = object_of(R"({"context":{"ip":"1.2.3.4"},"bad":[1]})");
  const json::object* context = optional_object(body, "context").value();
  ASSERT_NE(context, nullptr);
  EXPECT_EQ(context->at("ip").as_string(), "1.2.3.4");
  EXPECT_EQ(optional_object(body, "absent").value(), nullptr);
  expect_invalid(optional_object(body, "bad").error(), "invalid_bad", "bad");
}

TEST(RejectUnknownFields, NamesTheFirstUnexpectedField) {
  auto body = object_of(R"({"username":"a","usrname":"b"})");
  EXPECT_TRUE(reject_unknown_fields(body, {"username", "usrname"}).has_value());
  auto r = reject_unknown_fields(body, {"username"});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "unknown_field");
  EXPECT_EQ(r.error().field, "usrname");
}

TEST(JsonResponse, SerializesBodyWithStatus) {
  HttpResponse r = json_response(201, json::object{{"id", "usr_1"}});
  EXPECT_EQ(r.status, 201u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"id":"usr_1"})");
}

HttpRequest with_query(std::map<std::string, std::string> query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(QueryLimit, DefaultsTo50AndAccepts1To200) {
  EXPECT_EQ(query_limit(with_query({})).value(), 50u);
  EXPECT_EQ(query_limit(with_query({{"limit", "1"}})).value(), 1u);
  EXPECT_EQ(query_limit(with_query({{"limit", "200"}})).value(), 200u);
  for (std::string bad : {"0", "201", "-1", "ten", "5x", ""}) {
    auto r = query_limit(with_query({{"limit", bad}}));
    ASSERT_FALSE(r.has_value()) << bad;
    expect_invalid(r.error(), "invalid_limit", "limit");
  }
}

TEST(QueryParams, CursorIntAndBool) {
  EXPECT_EQ(query_cursor(with_query({{"cursor", "abc"}})).value(), "abc");
  EXPECT_EQ(query_cursor(with_query({})).value(), "");
  EXPECT_FALSE(query_cursor(with_query({{"cursor", std::string(513, 'a')}})).has_value());
  EXPECT_EQ(
      query_int(with_query({{"not_seen_days", "30"}}), "not_seen_days", 0, 3650).value().value(),
      30);
  EXPECT_FALSE(query_int(with_query({{"n", "4000"}}), "n", 0, 3650).has_value());
  EXPECT_TRUE(query_bool(with_query({{"dry_run", "true"}}), "dry_run").value().value());
  EXPECT_FALSE(query_bool(with_query({{"dry_run", "0"}}), "dry_run").value().value());
  EXPECT_FALSE(query_bool(with_query({{"dry_run", "yes"}}), "dry_run").has_value());
}

TEST(PageBody, HasItemsAndNullOrStringCursor) {
  EXPECT_EQ(json::serialize(page_body(json::array{1, 2}, std::nullopt)),
            R"({"items":[1,2],"next_cursor":null})");
  EXPECT_EQ(json::serialize(page_body({}, "c2")), R"({"items":[],"next_cursor":"c2"})");
}

}  // namespace
}  // namespace twostep::server
