// Boost.JSON compiled into the fuzz targets (its header-only mode) rather than linked from
// Debian's libboost_json, so the parser is instrumented: coverage guides the fuzzer into it
// and AddressSanitizer watches its memory accesses.
#include <boost/json/src.hpp>
