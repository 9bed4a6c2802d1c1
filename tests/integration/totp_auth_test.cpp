// POST /v1/auth/totp over the real binary, with codes from oathtool: approval, replay
// refusal (also under concurrent duplicates), lockout after the configured threshold, and
// the application key that the endpoint requires.
#include <barrier>
#include <map>
#include <mutex>
#include <thread>

#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {
namespace {

using TotpAuth = ActivationItest;

TEST_F(TotpAuth, AnOathtoolCodeIsApprovedOnceThenReplayed) {
  make_user("alice");
  const Phone phone = enroll("alice");
  const std::string code = oathtool_code(phone.secret);
  ASSERT_EQ(code.size(), 6u);
  Response r = auth_totp("alice", code);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json, (boost::json::object{{"status", "approved"}}));
  EXPECT_EQ(verdict("alice", code), "denied:replayed_code");
  // The username's case does not matter; the code is still spent.
  EXPECT_EQ(verdict("ALICE", code), "denied:replayed_code");
  // The next step's code is new.
  EXPECT_EQ(verdict("alice", oathtool_code(phone.secret, 30)), "approved");
}

TEST_F(TotpAuth, WrongAndUnknownLookTheSame) {
  make_user("alice");
  enroll("alice");
  Response wrong = auth_totp("alice", "000000");
  Response unknown = auth_totp("nobody", "000000");
  EXPECT_EQ(wrong.status, 200u);
  EXPECT_EQ(unknown.status, 200u);
  EXPECT_EQ(wrong.json, (boost::json::object{{"status", "denied"}, {"reason", "invalid_code"}}));
  EXPECT_EQ(unknown.json, wrong.json);
  EXPECT_EQ(verdict("alice", "12345"), "denied:invalid_code") << "too short";
  EXPECT_EQ(verdict("alice", "abcdef"), "denied:invalid_code") << "not digits";
}

TEST_F(TotpAuth, MalformedRequestsAreBadInput) {
  const Headers key = {{"authorization", "Bearer " + app_key()}};
  EXPECT_TRUE(
      is_error(client().post("/v1/auth/totp", {{"username", "alice"}}, key), 400, "invalid_code"));
  EXPECT_TRUE(
      is_error(client().post("/v1/auth/totp", {{"code", "123456"}}, key), 400, "invalid_username"));
  EXPECT_TRUE(
      is_error(client().post("/v1/auth/totp", {{"username", "alice"}, {"code", 123456}}, key), 400,
               "invalid_code"));
  EXPECT_TRUE(
      is_error(client().post("/v1/auth/totp",
                             {{"username", "alice"}, {"code", "123456"}, {"remember", "yes"}}, key),
               400, "invalid_remember"));
  EXPECT_TRUE(is_error(client().request("POST", "/v1/auth/totp", "{", "application/json", key), 400,
                       "invalid_json"));
}

TEST_F(TotpAuth, AnApplicationKeyIsRequired) {
  make_user("alice");
  const Phone phone = enroll("alice");
  const boost::json::object body{{"username", "alice"}, {"code", oathtool_code(phone.secret)}};
  EXPECT_TRUE(is_error(client().post("/v1/auth/totp", body), 401, "unauthenticated"));
  EXPECT_TRUE(is_error(client().post("/v1/auth/totp", body, auth()), 403, "forbidden"))
      << "an admin token is not an application key";
  EXPECT_TRUE(
      is_error(client().post("/v1/auth/totp", body, {{"authorization", "Bearer tsk_bogus"}}), 401,
               "unauthenticated"));
  // None of those spent the code.
  EXPECT_EQ(verdict("alice", oathtool_code(phone.secret)), "approved");
}

TEST_F(TotpAuth, LockoutAfterTheThreshold) {
  ASSERT_EQ(patch("/v1/settings", {{"lockout_threshold", 3}, {"lockout_minutes", 5}}).status, 200u);
  make_user("alice");
  const Phone phone = enroll("alice");
  EXPECT_EQ(verdict("alice", "000000"), "denied:invalid_code");
  EXPECT_EQ(verdict("alice", "000001"), "denied:invalid_code");
  Response third = auth_totp("alice", "000002");
  EXPECT_EQ(str(third.json, "reason"), "invalid_code");
  EXPECT_GT(third.json.at("retry_after").as_int64(), 0) << "this failure started the lock";

  // Locked: even the right code is not looked at.
  Response locked = auth_totp("alice", oathtool_code(phone.secret));
  ASSERT_EQ(locked.status, 200u) << locked.body;
  EXPECT_EQ(str(locked.json, "status"), "denied");
  EXPECT_EQ(str(locked.json, "reason"), "locked_out");
  const auto retry_after = locked.json.at("retry_after").as_int64();
  EXPECT_GT(retry_after, 0);
  EXPECT_LE(retry_after, 5 * 60);

  auto types = audit_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "user.locked_out"), types.end());
  EXPECT_FALSE(str(get("/v1/users/alice").json, "locked_until").empty());

  // The admin can see the lock; once it is over (moved into the past here, as in the
  // fixture's note) the right code is accepted again.
  db_exec("UPDATE users SET locked_until = " + std::to_string(unix_now() - 1) +
          " WHERE username = 'alice'");
  EXPECT_EQ(verdict("alice", oathtool_code(phone.secret)), "approved");
}

class TotpRace : public ActivationItest {
 protected:
  ServerProcessOptions server_options() const override { return with_worker_threads(8); }
};

TEST_F(TotpRace, ParallelDuplicatesOfOneCodeGetExactlyOneApproval) {
  make_user("alice");
  const Phone phone = enroll("alice");
  constexpr int kCallers = 8;
  std::vector<HttpsClient> clients;
  for (int i = 0; i < kCallers; ++i) {
    clients.push_back(server().client());
    ASSERT_EQ(clients.back().get("/healthz").status, 200u);
  }
  const std::string key = app_key();
  const std::string code = oathtool_code(phone.secret);
  std::barrier start(kCallers);
  std::mutex mutex;
  std::map<std::string, int> verdicts;
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      start.arrive_and_wait();
      Response r = clients[static_cast<std::size_t>(i)].post(
          "/v1/auth/totp", {{"username", "alice"}, {"code", code}},
          {{"authorization", "Bearer " + key}});
      std::lock_guard lock(mutex);
      ++verdicts[str(r.json, "status") + ":" + str(r.json, "reason")];
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(verdicts["approved:"], 1);
  EXPECT_EQ(verdicts["denied:replayed_code"], kCallers - 1);
}

}  // namespace
}  // namespace twostep::testing

namespace twostep::testing {
namespace {

// Someone with write access to the database moves Bob's sealed secret onto Alice's
// credential: the seal is bound to its credential (AES-GCM associated data), so Alice's
// credential fails closed, the failure is audited, and everyone else is unaffected.
TEST_F(TotpAuth, ATamperedSealedSecretFailsClosedWithAnAuditRow) {
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  const Phone alice_phone = enroll("alice");
  const Phone bob_phone = enroll("bob");
  db_exec(
      "UPDATE totp_credentials SET secret_sealed = (SELECT b.secret_sealed FROM "
      "totp_credentials b WHERE b.user_id = '" +
      bob + "') WHERE user_id = '" + alice + "'");
  EXPECT_EQ(verdict("alice", oathtool_code(alice_phone.secret)), "denied:invalid_code");
  EXPECT_EQ(verdict("alice", oathtool_code(bob_phone.secret)), "denied:invalid_code");
  EXPECT_EQ(verdict("bob", oathtool_code(bob_phone.secret)), "approved");
  auto types = audit_types("&user=" + alice);
  EXPECT_NE(std::find(types.begin(), types.end(), "totp.secret_invalid"), types.end());
  EXPECT_EQ(client().get("/healthz").status, 200u);
}

}  // namespace
}  // namespace twostep::testing
