# Push approvals over the real `twostep` binary: TLS, the device WebSocket, several devices and
# users (issue 4). Included from tests/integration/CMakeLists.txt.
add_library(twostep_push_itest_support STATIC
  ${CMAKE_CURRENT_LIST_DIR}/push_support_http.cpp
  ${CMAKE_CURRENT_LIST_DIR}/push_support_ws.cpp)
target_link_libraries(twostep_push_itest_support
  PUBLIC twostep_integration_harness twostep_client twostep_push twostep_store Boost::json)
twostep_warnings(twostep_push_itest_support)

twostep_integration_test(push_integration_tests
  SOURCES
    ${CMAKE_CURRENT_LIST_DIR}/push_answers_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/push_delivery_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/push_lifecycle_test.cpp
    ${CMAKE_CURRENT_LIST_DIR}/push_websocket_test.cpp
  DEPS twostep_push_itest_support)

# The measured push round trip (prints median and p99; asserts only correctness).
twostep_test(push_roundtrip_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/push_roundtrip_bench.cpp
  DEPS twostep_push_itest_support
  LABELS bench)
add_dependencies(push_roundtrip_bench twostep)

# The real companion app, `twostep-device`, driven end to end as a child process: activation
# from the QR PNG, answers to pushes, TOTP codes, removal.
twostep_integration_test(device_cli_integration_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/device_cli_e2e_test.cpp
  DEPS twostep_core PkgConfig::SQLITE3 OpenSSL::Crypto)
add_dependencies(device_cli_integration_tests twostep-device)

# The open-loop loads of scripts/bench (bench/load_bench): the push round trip with every
# device connected and its in-process baseline, TOTP verifications at a fixed rate. Not run
# by ctest.
add_executable(load_bench
  ${PROJECT_SOURCE_DIR}/bench/load_bench/main.cpp
  ${PROJECT_SOURCE_DIR}/bench/load_bench/number_book.cpp
  ${PROJECT_SOURCE_DIR}/bench/load_bench/open_loop.cpp
  ${PROJECT_SOURCE_DIR}/bench/load_bench/push_baseline.cpp
  ${PROJECT_SOURCE_DIR}/bench/load_bench/totp_load.cpp)
target_link_libraries(load_bench PRIVATE twostep_push_itest_support)
twostep_warnings(load_bench)
