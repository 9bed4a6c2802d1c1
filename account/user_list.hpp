// Listing and searching users for the admin console: substring search over username and
// display name, ordered by username (ignoring case), paged with opaque cursors.
#pragma once

#include <string>

#include "account/paging.hpp"
#include "account/users.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace twostep::account {

inline constexpr int kUserListDefault = 50;
inline constexpr int kUserListMax = 200;

struct UserQuery {
  std::string q;  // substring of username or display name, ignoring ASCII case; "" = all
  int limit = kUserListDefault;
  std::string cursor;  // next_cursor of the previous page; "" = first page
};

/// One page of users. Errors: 400 "invalid_q" (over 128 characters or not UTF-8),
/// "invalid_limit" (1–200), "invalid_cursor".
core::Result<Page<User>> list_users(store::Tx& tx, const UserQuery& query);

}  // namespace twostep::account
