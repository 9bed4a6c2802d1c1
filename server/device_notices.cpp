// Device notices' shapes (see device_notices.hpp).
#include "server/device_notices.hpp"

namespace twostep::server {

push::NoticeRequest device_added_notice(const activation::ActivatedDevice& device,
                                        const activation::ActivateRequest& request) {
  return push::NoticeRequest{device.user.id,
                             push::NoticeEvent::kDeviceAdded,
                             {{"device_id", device.device_id},
                              {"device_name", request.device_name},
                              {"platform", request.platform}},
                             device.device_id,
                             device.device_id};
}

push::NoticeRequest device_removed_notice(const activation::Device& device,
                                          activation::DeactivationReason reason,
                                          std::string_view exclude_device_id) {
  return push::NoticeRequest{device.user_id,
                             push::NoticeEvent::kDeviceRemoved,
                             {{"device_id", device.id},
                              {"device_name", device.display_name},
                              {"platform", device.platform},
                              {"reason", activation::reason_name(reason)}},
                             device.id,
                             std::string(exclude_device_id)};
}

push::NoticeRequest app_password_created_notice(const account::AppPassword& app_password) {
  return push::NoticeRequest{app_password.user_id,
                             push::NoticeEvent::kAppPasswordCreated,
                             {{"app_password_id", app_password.id}, {"name", app_password.name}},
                             "",
                             ""};
}

}  // namespace twostep::server
