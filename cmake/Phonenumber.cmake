# libphonenumber as the IMPORTED target twostep::phonenumber.
#
# Debian's libphonenumber-dev depends on Boost 1.74's -dev packages, which conflict with the
# Boost 1.81 ones twostep builds against. scripts/setup therefore installs only the runtime
# package (libphonenumber8) and unpacks the -dev package's headers into
# third_party/phonenumber/include. The runtime package ships no unversioned libphonenumber.so
# symlink, so the library is looked up by its versioned file name.
find_library(PHONENUMBER_LIBRARY NAMES libphonenumber.so.8 phonenumber
  HINTS /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu)
find_path(PHONENUMBER_INCLUDE_DIR phonenumbers/phonenumberutil.h
  HINTS ${PROJECT_SOURCE_DIR}/third_party/phonenumber/include NO_DEFAULT_PATH)
if(NOT PHONENUMBER_LIBRARY OR NOT PHONENUMBER_INCLUDE_DIR)
  message(FATAL_ERROR "libphonenumber not found (library: ${PHONENUMBER_LIBRARY}, headers: "
    "${PHONENUMBER_INCLUDE_DIR}); run scripts/setup")
endif()
# The headers include protobuf's generated-code headers (phonenumber.pb.h).
pkg_check_modules(PROTOBUF REQUIRED IMPORTED_TARGET protobuf)

add_library(twostep::phonenumber SHARED IMPORTED GLOBAL)
set_target_properties(twostep::phonenumber PROPERTIES
  IMPORTED_LOCATION ${PHONENUMBER_LIBRARY}
  # The headers are third-party code: an imported target's include directories are system
  # includes, so their warnings do not fail our -Werror build.
  INTERFACE_INCLUDE_DIRECTORIES ${PHONENUMBER_INCLUDE_DIR}
  # The headers' Singleton base picks its lock from these macros; std::mutex keeps Boost.Thread
  # out. PhoneNumberUtil::GetInstance() itself is compiled into the library, so the choice
  # does not change the library's ABI.
  INTERFACE_COMPILE_DEFINITIONS I18N_PHONENUMBERS_USE_STDMUTEX
  INTERFACE_LINK_LIBRARIES PkgConfig::PROTOBUF)
