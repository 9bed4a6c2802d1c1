#include "store/store.hpp"

#include <gtest/gtest.h>

namespace twostep::store {
namespace {

TEST(StoreRow, AccessorsThrowOnTypeMismatch) {
  const Row row({std::int64_t{1}, std::string("t"), nullptr});
  EXPECT_EQ(row.size(), 3u);
  EXPECT_TRUE(row.boolean(0));
  EXPECT_THROW(row.text(0), StoreError);
  EXPECT_THROW(row.integer(1), StoreError);
  EXPECT_THROW(row.blob(1), StoreError);
  EXPECT_THROW(row.integer(2), StoreError);
  EXPECT_THROW(row.opt_integer(1), StoreError);
  EXPECT_THROW(row.integer(3), StoreError);
  EXPECT_THROW(row.is_null(3), StoreError);
}

TEST(OpenStore, DispatchesOnTheUrlScheme) {
  for (const char* url : {"postgresql://localhost/twostep", "postgres://u@h/db"}) {
    try {
      open_store(url);
      FAIL() << url;
    } catch (const StoreError& e) {
      EXPECT_NE(std::string(e.what()).find("PostgreSQL"), std::string::npos);
    }
  }
  try {
    open_store("mysql://localhost/x");
    FAIL();
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("'mysql'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(open_store("sqlite:"), StoreError);
  EXPECT_THROW(open_store("sqlite::memory:"), StoreError);
  EXPECT_THROW(open_store("sqlite:/proc/no/such/dir/x.db"), StoreError);
}

}  // namespace
}  // namespace twostep::store
