# Several `twostep serve` nodes on one PostgreSQL database (issue 8): cross-node delivery,
# races between nodes, a PostgreSQL crash. Only against PostgreSQL: label `postgres`,
# skipped without TWOSTEP_TEST_PG_URL. Included from tests/integration/CMakeLists.txt.
add_library(twostep_multinode_itest_support STATIC ${CMAKE_CURRENT_LIST_DIR}/multinode_support.cpp)
target_link_libraries(twostep_multinode_itest_support PUBLIC twostep_push_itest_support)
target_compile_definitions(twostep_multinode_itest_support
  PRIVATE TWOSTEP_PROJECT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
twostep_warnings(twostep_multinode_itest_support)

twostep_test(multinode_integration_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/multinode_test.cpp
  DEPS twostep_multinode_itest_support
  LABELS postgres)
add_dependencies(multinode_integration_tests twostep)

# The push round trip within one node and across two, measured in the same run.
twostep_test(multinode_roundtrip_bench
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/multinode_roundtrip_bench.cpp
  DEPS twostep_multinode_itest_support
  LABELS bench)
add_dependencies(multinode_roundtrip_bench twostep)
