// The companion app end to end (issue 4): the real `twostep-device` binary, run as a child
// process, against the real `twostep serve` over TLS and WSS. Every test starts from a device
// the binary activated from the QR PNG an admin downloaded; then pushes are answered by
// `listen` (with the number, a wrong number, deny, and typed in interactively), the code it
// prints is checked by POST /v1/auth/totp, and `remove` deactivates the device.
//
// Every child is bounded twice: by its own --timeout and by the test's wait, after which the
// ChildProcess destructor kills it.
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <vector>

#include "tests/integration/activation_fixture.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A child's own --timeout, and the test's longer wait for it.
constexpr const char* kChildTimeout = "20";
constexpr auto kChildWait = std::chrono::seconds(40);

// The path part of an absolute URL the server returned ("https://host:port/v1/…" → "/v1/…").
std::string path_of(const std::string& url) {
  const auto at = url.find("/v1/");
  return at == std::string::npos ? url : url.substr(at);
}

// The JSON lines a twostep-device command printed on stdout.
std::vector<boost::json::object> json_lines(const std::string& out) {
  std::vector<boost::json::object> lines;
  std::size_t start = 0;
  for (std::size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    boost::system::error_code ec;
    auto value = boost::json::parse(std::string_view(out).substr(start, end - start), ec);
    if (!ec && value.is_object()) lines.push_back(std::move(value.as_object()));
  }
  return lines;
}

// The first printed line of `type` (an empty object when there is none).
boost::json::object line_of(const std::string& out, std::string_view type) {
  for (auto& line : json_lines(out)) {
    if (str(line, "type") == type) return line;
  }
  return {};
}

// Another two-digit number than `number`.
std::string wrong_number(const std::string& number) {
  return std::to_string((std::atoi(number.c_str()) - 10 + 1) % 90 + 10);
}

class DeviceCliE2e : public ActivationItest {
 protected:
  void SetUp() override {
    ActivationItest::SetUp();
    if (HasFatalFailure()) return;
    dir_ = temp_.path();
    state_ = dir_ / "alice.state";
    user_id_ = make_user("alice");
    ASSERT_NO_FATAL_FAILURE(activate_from_qr());
  }

  // `twostep-device args…`, run to completion.
  CommandResult device(std::vector<std::string> args) {
    args.insert(args.begin(), program_path("twostep-device").string());
    return run_program(args, kChildWait);
  }

  // An admin-made activation, its QR PNG fetched over HTTPS with the admin token, and
  // `twostep-device activate --qr` reading it: the device is active and its state private.
  void activate_from_qr() {
    auto activation = new_activation("alice");
    Response png = get(path_of(str(activation, "qr_png_url")));
    ASSERT_EQ(png.status, 200u) << png.body;
    ASSERT_EQ(png.header("content-type"), "image/png");
    const fs::path image = dir_ / "activation.png";
    std::ofstream(image, std::ios::binary) << png.body;

    CommandResult r =
        device({"activate", "--qr", image.string(), "--state", state_.string(), "--ca",
                server().cert_path().string(), "--name", "CLI phone", "--platform", "linux"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    const auto activated = line_of(r.out, "activated");
    device_id_ = str(activated, "device_id");
    ASSERT_FALSE(device_id_.empty()) << r.out;
    EXPECT_EQ(str(activated.at("user"), "id"), user_id_);
    EXPECT_EQ(str(activated.at("user"), "username"), "alice");

    struct stat info {};
    ASSERT_EQ(::stat(state_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600u);
    const auto listed = listed_device("alice", device_id_);
    EXPECT_EQ(str(listed, "status"), "active") << listed;
    EXPECT_EQ(str(listed, "display_name"), "CLI phone") << listed;
  }

  Headers app_auth() { return {{"authorization", "Bearer " + app_key()}}; }

  // POST /v1/auth/push for alice: {txid, number, …}.
  boost::json::object push() {
    boost::json::object context{
        {"ip", "198.51.100.4"}, {"location", "Oslo, NO"}, {"browser", "Firefox 128"}};
    Response r =
        client().post("/v1/auth/push", {{"username", "alice"}, {"context", context}}, app_auth());
    EXPECT_EQ(r.status, 202u) << r.body;
    return r.json.is_object() ? r.json.as_object() : boost::json::object{};
  }

  // GET /v1/auth/transactions/{txid}?wait=10: the decided transaction.
  boost::json::value transaction(const std::string& txid) {
    Response r = client().get("/v1/auth/transactions/" + txid + "?wait=10", app_auth());
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json;
  }

  // `listen` answering the one pending push as `answer` says, then exiting.
  CommandResult listen_once(std::vector<std::string> answer) {
    std::vector<std::string> args{"listen", "--state",   state_.string(), "--exit-after",
                                  "1",      "--timeout", kChildTimeout};
    args.insert(args.end(), answer.begin(), answer.end());
    return device(std::move(args));
  }

  // The one push, answered by `listen` with `answer`, as the device and the application see
  // it: "<result status>/<long-poll status>:<reason>".
  std::string answer_push(std::vector<std::string> answer) {
    const auto created = push();
    const std::string txid = str(created, "txid");
    CommandResult r = listen_once(std::move(answer));
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    const auto pushed = line_of(r.out, "push");
    EXPECT_EQ(str(pushed, "txid"), txid) << r.out;
    EXPECT_EQ(str(pushed.at("context"), "app"), "VPN") << r.out;
    EXPECT_EQ(str(pushed.at("context"), "location"), "Oslo, NO") << r.out;
    EXPECT_EQ(str(line_of(r.out, "answered"), "txid"), txid) << r.out;
    const auto decided = transaction(txid);
    EXPECT_EQ(str(decided, "device_id"), device_id_) << decided;
    return str(line_of(r.out, "result"), "status") + "/" + str(decided, "status") + ":" +
           str(decided, "reason");
  }

  TempDir temp_;  // removed with the fixture
  fs::path dir_;
  fs::path state_;
  std::string user_id_;
  std::string device_id_;
};

TEST_F(DeviceCliE2e, ApprovesAPushWithTheNumberAndPrintsACodeTheServerApproves) {
  const auto created = push();
  const std::string txid = str(created, "txid");
  const std::string number = str(created, "number");
  ASSERT_EQ(number.size(), 2u) << created;

  CommandResult r = listen_once({"--approve-with", number});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(line_of(r.out, "ready").at("pending"), 1) << r.out;
  EXPECT_EQ(str(line_of(r.out, "push"), "txid"), txid) << r.out;
  EXPECT_EQ(str(line_of(r.out, "answered"), "decision"), "approve") << r.out;
  EXPECT_EQ(str(line_of(r.out, "result"), "status"), "approved") << r.out;

  const auto decided = transaction(txid);
  EXPECT_EQ(str(decided, "status"), "approved") << decided;
  EXPECT_EQ(str(decided, "device_id"), device_id_) << decided;

  CommandResult code = device({"code", "--state", state_.string()});
  ASSERT_EQ(code.status, 0) << code.err;
  ASSERT_EQ(code.out.size(), 7u) << code.out;
  EXPECT_EQ(code.out.back(), '\n');
  const std::string digits = code.out.substr(0, 6);
  EXPECT_EQ(digits.find_first_not_of("0123456789"), std::string::npos) << digits;
  EXPECT_EQ(verdict("alice", digits), "approved");
  EXPECT_EQ(verdict("alice", digits), "denied:replayed_code");
}

TEST_F(DeviceCliE2e, AWrongNumberAndDenyAreDenials) {
  const auto created = push();
  const std::string txid = str(created, "txid");
  CommandResult r = listen_once({"--approve-with", wrong_number(str(created, "number"))});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(str(line_of(r.out, "result"), "status"), "denied") << r.out;
  const auto decided = transaction(txid);
  EXPECT_EQ(str(decided, "status"), "denied") << decided;
  EXPECT_EQ(str(decided, "reason"), "number_mismatch") << decided;
  EXPECT_EQ(str(decided, "device_id"), device_id_) << decided;

  EXPECT_EQ(answer_push({"--deny"}), "denied/denied:user_denied");
}

TEST_F(DeviceCliE2e, ListenAsksForTheNumberShowingTheRequest) {
  ChildProcess listener(
      {program_path("twostep-device").string(), "listen", "--state", state_.string(),
       "--interactive", "--exit-after", "1", "--timeout", kChildTimeout},
      /*pipe_stdin=*/true);
  ASSERT_TRUE(listener.wait_for_output(R"("type":"ready")", kChildWait))
      << listener.out() << listener.err();

  const auto created = push();
  const std::string txid = str(created, "txid");
  ASSERT_TRUE(listener.wait_for_output(txid, kChildWait)) << listener.out() << listener.err();
  EXPECT_NE(listener.err().find("Sign-in request from VPN | 198.51.100.4 | Oslo, NO | Firefox 128"),
            std::string::npos)
      << listener.err();
  // Not a number: asked again; then the number from the sign-in screen.
  ASSERT_TRUE(listener.write_stdin("yes\n" + str(created, "number") + "\n"));
  ASSERT_EQ(listener.wait(kChildWait), 0) << listener.out() << listener.err();
  EXPECT_EQ(str(line_of(listener.out(), "result"), "status"), "approved") << listener.out();

  const auto decided = transaction(txid);
  EXPECT_EQ(str(decided, "status"), "approved") << decided;
  EXPECT_EQ(str(decided, "device_id"), device_id_) << decided;
}

TEST_F(DeviceCliE2e, ListenWithoutAnAnswerStopsAtItsTimeout) {
  const std::string txid = str(push(), "txid");
  CommandResult r =
      device({"listen", "--state", state_.string(), "--exit-after", "1", "--timeout", "2"});
  EXPECT_EQ(r.status, 5) << r.out << r.err;
  EXPECT_EQ(str(line_of(r.out, "push"), "txid"), txid) << r.out;
  EXPECT_EQ(line_of(r.out, "timeout").at("settled"), 0) << r.out;
  EXPECT_TRUE(line_of(r.out, "answered").empty()) << r.out;
  Response pending = client().get("/v1/auth/transactions/" + txid, app_auth());
  EXPECT_EQ(str(pending.json, "status"), "pending") << pending.body;
}

TEST_F(DeviceCliE2e, RemoveDeactivatesTheDevice) {
  CommandResult r = device({"remove", "--state", state_.string(), "--timeout", kChildTimeout});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const auto removed = line_of(r.out, "removed");
  EXPECT_EQ(str(removed, "device_id"), device_id_) << r.out;
  EXPECT_EQ(str(removed, "reason"), "device_removed") << r.out;
  EXPECT_FALSE(fs::exists(state_));

  const auto listed = listed_device("alice", device_id_);
  EXPECT_EQ(str(listed, "status"), "deactivated") << listed;
  EXPECT_EQ(str(listed, "deactivated_reason"), "device_removed") << listed;
  Response refused = client().post("/v1/auth/push", {{"username", "alice"}}, app_auth());
  EXPECT_TRUE(is_error(refused, 409, "no_active_device"));
}

}  // namespace
}  // namespace twostep::testing
