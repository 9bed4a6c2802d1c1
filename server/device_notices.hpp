// The security notices about devices (SPEC.md capability 11) that handlers queue in the
// transaction of the change they announce: a device was added or removed, an app password was
// created. One place for their `detail`, so every path announces the same shape.
//
// Use, inside the change's write transaction:
//   notices = push::queue_notice(tx, app.clock, app.random, device_added_notice(...));
// and after the commit: app.push->deliver_notices(notices);
#pragma once

#include <string_view>

#include "account/app_passwords.hpp"
#include "activation/activate.hpp"
#include "activation/devices.hpp"
#include "push/types.hpp"

namespace twostep::server {

/// `device_added` for the user's other active devices; detail {device_id, device_name,
/// platform}. A recipient may answer it with "not me".
push::NoticeRequest device_added_notice(const activation::ActivatedDevice& device,
                                        const activation::ActivateRequest& request);

/// `device_removed` for the user's other active devices (not `exclude_device_id`, e.g. a
/// replacing device that caused it); detail {device_id, device_name, platform, reason}.
push::NoticeRequest device_removed_notice(const activation::Device& device,
                                          activation::DeactivationReason reason,
                                          std::string_view exclude_device_id = {});

/// `app_password_created` for every active device of the user; detail {app_password_id,
/// name} (never the password).
push::NoticeRequest app_password_created_notice(const account::AppPassword& app_password);

}  // namespace twostep::server
