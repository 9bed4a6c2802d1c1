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
  // Nothing listens on port 1, so these reach PostgreSQL's connection code and fail there.
  for (const char* url :
       {"postgresql://127.0.0.1:1/twostep", "postgres://u:s3cret@127.0.0.1:1/db"}) {
    try {
      open_store(url);
      FAIL() << url;
    } catch (const StoreError& e) {
      const std::string message = e.what();
      EXPECT_NE(message.find("PostgreSQL"), std::string::npos) << message;
      EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
    }
  }
  try {
    open_store("postgresql://u:s3cret@127.0.0.1:1/db?no_such_parameter=s3cret");
    FAIL() << "an unknown libpq parameter was accepted";
  } catch (const StoreError& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
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
