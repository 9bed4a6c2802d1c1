// Outbox reading, direct phone storage and the phone fixture's API helpers.
#include "tests/integration/phone_support.hpp"

#include <fstream>

#include <boost/json/parse.hpp>

#include "core/clock.hpp"
#include "phone/phones.hpp"
#include "store/store.hpp"

namespace twostep::itest {

std::vector<boost::json::object> read_outbox(const testing::ServerProcess& server) {
  std::vector<boost::json::object> out;
  std::ifstream in(server.data_dir() / "outbox.jsonl");
  std::string line;
  while (std::getline(in, line)) {
    boost::system::error_code ec;
    auto value = boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << "outbox line is not JSON: " << line;
    EXPECT_TRUE(!ec && value.is_object()) << "outbox line is not an object: " << line;
    if (!ec && value.is_object()) out.push_back(std::move(value.as_object()));
  }
  return out;
}

boost::json::object last_message_to(const testing::ServerProcess& server, const std::string& e164) {
  const auto lines = read_outbox(server);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const auto* to = it->if_contains("to");
    if (to != nullptr && to->is_string() && to->get_string() == e164) return *it;
  }
  return {};
}

void store_phone(const testing::ServerProcess& server, const std::string& user_id,
                 const std::string& type, const std::string& e164) {
  auto store = store::open_store(server.db_url());
  core::SystemClock clock;
  phone::Phone stored;
  stored.user_id = user_id;
  stored.type = phone::parse_phone_type(type).value();
  stored.e164 = e164;
  stored.created_at = stored.updated_at = clock.now();
  store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    phone::save_phone(tx, stored);
    return true;
  });
}

void PhoneTest::SetUp() {
  SessionTest::SetUp();
  if (HasFatalFailure()) return;
  app_key_ = create_application("VPN");
}

std::string PhoneTest::create_application(const std::string& name) {
  auto r = http().post("/v1/applications", boost::json::object{{"name", name}}, admin());
  EXPECT_EQ(r.status, 201u) << r.body;
  return r.json.is_object() ? std::string(r.json.at("api_key").as_string()) : std::string();
}

testing::Headers PhoneTest::app_headers(const std::string& key) const {
  return {{"authorization", "Bearer " + (key.empty() ? app_key_ : key)}};
}

testing::Response PhoneTest::send_code(const boost::json::object& body) {
  return http().post("/v1/auth/sms", body, app_headers());
}

testing::Response PhoneTest::check_code(const std::string& txid, const std::string& code) {
  return http().post("/v1/auth/transactions/" + txid + "/code", boost::json::object{{"code", code}},
                     app_headers());
}

void PhoneTest::patch_settings(const boost::json::object& patch) {
  auto r = http().patch("/v1/settings", patch, admin());
  EXPECT_EQ(r.status, 200u) << r.body;
}

}  // namespace twostep::itest
