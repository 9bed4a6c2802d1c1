// The organisation's settings: a typed struct with defaults, stored as JSON scalars in the
// settings table (a missing row means the default), and a validated patch that changes
// every field it names or none.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "account/settings_fields.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::account {

/// The stored settings over the defaults. A stored value that is malformed or out of range
/// (e.g. written by a newer version) is logged and its default used.
Settings load_settings(store::Tx& tx);

/// Applies `patch` (apply_settings_patch's rules and errors; nothing changes on an error).
/// Audits "settings.updated" with each field's old and new value.
core::Result<Settings> update_settings(store::Tx& tx, const core::Clock& clock,
                                       const store::AuditContext& who,
                                       const boost::json::object& patch);

}  // namespace twostep::account
