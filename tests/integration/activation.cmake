# QR activation, device deactivation paths, OATH tokens and POST /v1/auth/totp over the real
# `twostep` binary (issue 3), checked with oathtool, zbarimg and SQL on the server's database;
# the device WebSocket client of push.cmake sees deactivations arrive. Included from
# tests/integration/CMakeLists.txt after push.cmake.
twostep_integration_test(activation_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/activation_deactivation_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/activation_flow_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/activation_qr_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/activation_race_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/activation_socket_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/auth_timing_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/crash_durability_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/totp_auth_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/totp_oath_test.cpp
  DEPS twostep_core twostep_push_itest_support OpenSSL::Crypto)
