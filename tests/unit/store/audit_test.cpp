#include "store/audit.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "tests/unit/store/store_test_support.hpp"

namespace twostep::store {
namespace {

using AuditTest = StoreTest;
TWOSTEP_STORE_BACKENDS(AuditTest);

TEST_P(AuditTest, AppendsARowInTheCallersTransaction) {
  auto store = open();
  const core::ManualClock clock(core::from_unix_seconds(1'795'823'111));
  const AuditContext ctx{"admin:root", "203.0.113.7", "corr-1"};
  store->run(TxMode::kWrite, [&](Tx& tx) {
    append_audit(tx, clock, ctx,
                 {"device.deactivated", "usr_1", "dev_9", "success", {{"reason", "lost"}}});
    append_audit(tx, clock, {"system", "", ""}, {"settings.changed", "", "", "success", {}});
    return true;
  });
  // Rolled back together with the transaction.
  store->run(TxMode::kWrite, [&](Tx& tx) {
    append_audit(tx, clock, ctx, {"user.created", "usr_2", "", "success", {}});
    return false;
  });

  const auto rows = store->read([](Tx& tx) {
    return tx.query(
        "SELECT time, type, user_id, device_id, actor, ip, result, correlation_id, detail "
        "FROM audit_log ORDER BY id");
  });
  ASSERT_EQ(rows.size(), 2u);
  const Row& r = rows[0];
  EXPECT_EQ(r.integer(0), 1'795'823'111);
  EXPECT_EQ(r.text(1), "device.deactivated");
  EXPECT_EQ(r.text(2), "usr_1");
  EXPECT_EQ(r.text(3), "dev_9");
  EXPECT_EQ(r.text(4), "admin:root");
  EXPECT_EQ(r.text(5), "203.0.113.7");
  EXPECT_EQ(r.text(6), "success");
  EXPECT_EQ(r.text(7), "corr-1");
  EXPECT_EQ(boost::json::parse(r.text(8)), (boost::json::object{{"reason", "lost"}}));

  EXPECT_TRUE(rows[1].is_null(2));
  EXPECT_TRUE(rows[1].is_null(3));
  EXPECT_EQ(rows[1].text(4), "system");
  EXPECT_EQ(rows[1].text(8), "{}");
}

}  // namespace
}  // namespace twostep::store
