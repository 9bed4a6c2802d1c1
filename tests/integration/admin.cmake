# The admin API (users, applications, settings, audit) and the admin CLI over the real
# `twostep` binary (issue 2). Included from tests/integration/CMakeLists.txt.
twostep_integration_test(admin_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/admin_applications_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/admin_audit_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/admin_auth_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/admin_bad_input_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/admin_cli_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/admin_settings_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/admin_users_test.cpp
  DEPS twostep_account)
