// The phone_verifications and phone_transactions rows as structs, and the audit rows of
// phone changes: shared by phones.cpp and the service's source files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "phone/types.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::phone::detail {

/// A phone_verifications row.
struct VerificationRow {
  std::string id;
  std::string user_id;
  PhoneType type = PhoneType::kMobile;
  std::string e164;
  std::string extension;
  Channel channel = Channel::kSms;
  std::string code_hash;
  std::string status;  // pending | confirmed | cancelled | expired
  std::int64_t attempts = 0;
  std::int64_t expires_at = 0;
};

std::optional<VerificationRow> find_verification(store::Tx& tx, std::string_view id,
                                                 std::string_view user_id);
void insert_verification(store::Tx& tx, const VerificationRow& row, std::int64_t now);
/// Moves a pending verification to `status` (with `reason`); false when it was not pending.
bool finish_verification(store::Tx& tx, std::string_view id, std::string_view status,
                         std::string_view reason, std::int64_t now);
/// Cancels the user's pending verifications of `type` (all types when nullopt).
void cancel_verifications(store::Tx& tx, std::string_view user_id, std::optional<PhoneType> type,
                          std::string_view reason);

/// A phone_transactions row.
struct TransactionRow {
  std::string id;
  std::string user_id;
  PhoneType phone_type = PhoneType::kMobile;
  std::string e164;
  Channel channel = Channel::kSms;
  std::string code_hash;
  std::string status;  // pending | approved | denied | expired
  std::string reason;
  std::int64_t attempts = 0;
  std::string requester;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> answered_at;
};

std::optional<TransactionRow> find_transaction(store::Tx& tx, std::string_view txid);
void insert_transaction(store::Tx& tx, const TransactionRow& row);
/// Decides a pending transaction; false when another request decided it first.
bool decide_transaction(store::Tx& tx, std::string_view txid, std::string_view status,
                        std::string_view reason, std::int64_t now);
/// Denies the user's pending transactions, all or only those to `type`; returns their ids.
std::vector<std::string> deny_pending_transactions(store::Tx& tx, std::string_view user_id,
                                                   std::optional<PhoneType> type,
                                                   std::string_view reason, std::int64_t now);

/// Appends "phone.added" / "phone.changed" / "phone.removed" for `change` (numbers masked
/// to their last four digits).
void audit_change(store::Tx& tx, const core::Clock& clock, const store::AuditContext& who,
                  const PhoneChange& change);

}  // namespace twostep::phone::detail
