// Races over the real binary: phones that present the same activation code at the same
// moment, each on its own TLS connection, get exactly one device between them.
#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <thread>

#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {
namespace {

class ActivationRace : public ActivationItest {
 protected:
  // Enough workers that the requests really run at the same time inside the server.
  ServerProcessOptions server_options() const override { return with_worker_threads(8); }
};

TEST_F(ActivationRace, TheSameCodeAtOnceMakesExactlyOneDevice) {
  make_user("alice");
  const std::string code = str(new_activation("alice"), "code");
  constexpr int kPhones = 8;
  std::vector<HttpsClient> clients;
  for (int i = 0; i < kPhones; ++i) {
    clients.push_back(server().client());
    ASSERT_EQ(clients.back().get("/healthz").status, 200u);  // connected before the start
  }
  std::barrier start(kPhones);
  std::mutex mutex;
  std::map<unsigned, int> statuses;
  std::vector<std::string> device_ids;
  std::vector<std::thread> phones;
  for (int i = 0; i < kPhones; ++i) {
    phones.emplace_back([&, i] {
      const std::string key = new_public_key();
      start.arrive_and_wait();
      Response r = activate(code, key, &clients[static_cast<std::size_t>(i)]);
      std::lock_guard lock(mutex);
      ++statuses[r.status];
      if (r.status == 201) device_ids.push_back(str(r.json, "device_id"));
      if (r.status != 201) {
        EXPECT_NE(r.error_code(), "") << r.body;
      }
    });
  }
  for (auto& t : phones) t.join();

  EXPECT_EQ(statuses[201], 1);
  // The others lost the race (409); under the per-address rate limit some may instead have
  // been told to slow down (429) before they reached the code.
  EXPECT_EQ(statuses[409] + statuses[429], kPhones - 1);
  EXPECT_GE(statuses[409], 1);
  Response list = get("/v1/users/alice/authenticators");
  ASSERT_EQ(list.json.at("items").as_array().size(), 1u);
  ASSERT_EQ(device_ids.size(), 1u);
  EXPECT_EQ(str(list.json.at("items").at(0), "id"), device_ids[0]);
}

}  // namespace
}  // namespace twostep::testing
