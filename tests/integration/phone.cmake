# Phone methods over the real `twostep` binary (issue 6): sign-in codes through the
# application API, the outbox, the webhook to an HTTPS receiver started by the test, and
# self-service numbers through a web session. Included from tests/integration/CMakeLists.txt.
twostep_integration_test(phone_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/phone_support.cpp
    ${CMAKE_CURRENT_LIST_DIR}/phone_auth_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/phone_me_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/phone_provider_test.cpp
  DEPS twostep_session_itest_support twostep_push_itest_support twostep_phone twostep_store
    twostep_test_https_receiver)
