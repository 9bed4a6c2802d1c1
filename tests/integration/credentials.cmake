# Remembered browsers, app passwords and pre-auth on the application path over the real
# `twostep` binary (issue 5). Included from tests/integration/CMakeLists.txt after push.cmake
# (it uses the push test support's scripted device) and uses session.cmake's sign-in support.
twostep_integration_test(credentials_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/credentials_auth_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/credentials_me_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/credentials_remember_test.cpp
  DEPS twostep_core twostep_account twostep_push_itest_support twostep_session_itest_support OpenSSL::Crypto)
