// The one translation unit that compiles Boost.Asio, Asio's SSL support and Beast
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION, set by the
// twostep_asio CMake target). Every other file includes only the declarations, which keeps
// a rebuild after touching one network file to seconds.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
