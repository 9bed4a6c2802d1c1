# The web sign-in, registration and self-service through the real `twostep` binary (issue 5).
# Included from tests/integration/CMakeLists.txt. session_support is reusable by other suites
# that need an end user's session (sign_in, sign_in_with_totp, activate_phone_by_qr).
add_library(twostep_session_itest_support STATIC ${CMAKE_CURRENT_LIST_DIR}/session_support.cpp)
target_link_libraries(twostep_session_itest_support
  PUBLIC twostep_integration_harness twostep_client twostep_totp twostep_core Boost::json
         PkgConfig::SQLITE3 OpenSSL::Crypto)
twostep_warnings(twostep_session_itest_support)

twostep_integration_test(session_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/session_isolation_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_push_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_registration_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_signin_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_sms_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/session_timeout_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/signin_timing_test.cpp
  DEPS twostep_session_itest_support twostep_push_itest_support)
