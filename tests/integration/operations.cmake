# Operations over the real `twostep` binary (issue 11): backup and restore, master-key
# rotation under load, SIGHUP reloads of the certificate and configuration. Included from
# tests/integration/CMakeLists.txt.
twostep_integration_test(operations_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/operations_backup_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/operations_reload_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/operations_rotate_test.cpp
  DEPS twostep_core twostep_push_itest_support twostep_http OpenSSL::Crypto)
