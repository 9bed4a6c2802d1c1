# Run by a browser test when CMake found no node: fail with the way to fix it.
message(FATAL_ERROR "${SPEC}: node is not installed; run scripts/setup, then reconfigure (cmake)")
