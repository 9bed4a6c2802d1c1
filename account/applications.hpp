// Applications: the systems that sign people in (VPN, web app, IdP) and call the auth API
// with an application key. The key is shown once at creation; only its SHA-256 is stored.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "account/credentials.hpp"
#include "account/env.hpp"
#include "account/paging.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// An application's record (never its key): id "app_…", name, created_at, last_used_at.
using Application = CredentialRecord;

/// An application just made: the record and its key in clear ("tsk_…"), to show once.
struct NewApplication {
  Application record;
  std::string api_key;
};

inline constexpr int kApplicationListDefault = 50;
inline constexpr int kApplicationListMax = 200;

/// Registers an application named `name` (1–64 characters; 400 "invalid_name"); audits
/// "application.created".
core::Result<NewApplication> create_application(store::Tx& tx, const Env& env,
                                                const store::AuditContext& who,
                                                std::string_view name);

/// Applications oldest first; `cursor` from the previous page ("" for the first).
/// Errors: "invalid_limit" (1–200), "invalid_cursor".
core::Result<Page<Application>> list_applications(store::Tx& tx, int limit,
                                                  std::string_view cursor);

/// 404 "application_not_found" for an unknown id.
core::Result<Application> get_application(store::Tx& tx, std::string_view id);

/// Removes the application (its key stops working at once); audits "application.deleted".
/// 404 "application_not_found" for an unknown id.
core::Result<void> delete_application(store::Tx& tx, const Env& env, const store::AuditContext& who,
                                      std::string_view id);

/// The application whose key is `api_key`, if any.
std::optional<Application> find_application_by_key(store::Tx& tx, std::string_view api_key);

/// Checks `api_key` and records its use (at most once a minute). For the authenticator.
std::optional<Application> authenticate_application_key(store::Store& store,
                                                        const core::Clock& clock,
                                                        std::string_view api_key);

}  // namespace twostep::account
