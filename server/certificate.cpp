// Self-signed certificate creation and reuse with the OpenSSL 3 API.
#include "server/certificate.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <system_error>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/log.hpp"

namespace twostep::server {
namespace {

namespace fs = std::filesystem;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using FilePtr = std::unique_ptr<FILE, FileClose>;

constexpr std::chrono::seconds kValidity{365L * 24 * 3600};
// A certificate this close to expiry is replaced at start-up rather than left to lapse.
constexpr std::chrono::seconds kRenewBefore{24 * 3600};

[[noreturn]] void fail(const std::string& what) { throw core::ConfigError("TLS: " + what); }

bool is_ip(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

X509Ptr read_cert(const fs::path& path) {
  FilePtr f(std::fopen(path.c_str(), "r"));
  if (!f) return nullptr;
  return X509Ptr(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
}

PkeyPtr read_key(const fs::path& path) {
  FilePtr f(std::fopen(path.c_str(), "r"));
  if (!f) return nullptr;
  return PkeyPtr(PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr));
}

bool covers(X509* cert, const std::string& host) {
  if (host.empty()) return true;
  if (is_ip(host)) return X509_check_ip_asc(cert, host.c_str(), 0) == 1;
  return X509_check_host(cert, host.c_str(), host.size(), 0, nullptr) == 1;
}

// Why an existing self-made pair must be replaced, or "" when it can stay.
std::string replace_reason(const TlsFiles& files, const std::vector<std::string>& hosts,
                           core::TimePoint now) {
  X509Ptr cert = read_cert(files.cert);
  PkeyPtr key = read_key(files.key);
  if (!cert || !key) return "missing or unreadable";
  if (X509_check_private_key(cert.get(), key.get()) != 1) return "key does not match";
  std::time_t renew_at = std::chrono::system_clock::to_time_t(now + kRenewBefore);
  if (ASN1_TIME_cmp_time_t(X509_get0_notAfter(cert.get()), renew_at) < 0) return "expiring";
  for (const auto& host : hosts) {
    if (!covers(cert.get(), host)) return "does not name " + host;
  }
  return {};
}

// Writes `write(FILE*)` to a temporary file with `mode`, then renames it over `path`.
template <class WriteFn>
void write_atomically(const fs::path& path, mode_t mode, WriteFn write) {
  fs::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0 || ::fchmod(fd, mode) != 0) {
    if (fd >= 0) ::close(fd);
    fail("cannot write " + tmp.string() + ": " + std::generic_category().message(errno));
  }
  FilePtr f(::fdopen(fd, "w"));
  if (!f) {
    ::close(fd);
    fail("cannot write " + tmp.string());
  }
  bool ok = write(f.get()) && std::fflush(f.get()) == 0 && ::fsync(fd) == 0;
  f.reset();
  std::error_code ec;
  if (ok) fs::rename(tmp, path, ec);
  if (!ok || ec) {
    fs::remove(tmp, ec);
    fail("cannot write " + path.string());
  }
}

void set_random_serial(X509* cert, core::Random& random) {
  unsigned char serial[16];
  random.fill(serial);
  serial[0] &= 0x7F;  // a positive INTEGER, as RFC 5280 §4.1.2.2 requires
  std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) fail("serial number");
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) fail("certificate extension " + value);
  int added = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  if (added != 1) fail("certificate extension " + value);
}

std::string subject_alt_names(const std::vector<std::string>& hosts) {
  std::string out;
  for (const auto& host : hosts) {
    if (host.empty()) continue;
    if (!out.empty()) out += ',';
    out += (is_ip(host) ? "IP:" : "DNS:") + host;
  }
  return out;
}

X509Ptr make_certificate(EVP_PKEY* key, const std::vector<std::string>& hosts, core::TimePoint now,
                         std::chrono::seconds validity, core::Random& random) {
  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1) fail("cannot create a certificate");
  set_random_serial(cert.get(), random);
  std::time_t start = std::chrono::system_clock::to_time_t(now - std::chrono::minutes(5));
  std::time_t end = std::chrono::system_clock::to_time_t(now + validity);
  if (!ASN1_TIME_set(X509_getm_notBefore(cert.get()), start) ||
      !ASN1_TIME_set(X509_getm_notAfter(cert.get()), end)) {
    fail("certificate validity");
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  const auto* cn = reinterpret_cast<const unsigned char*>("twostep self-signed");
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, cn, -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key) != 1) {
    fail("certificate subject");
  }
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_subject_alt_name, subject_alt_names(hosts));
  if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) fail("cannot sign the certificate");
  return cert;
}

}  // namespace

std::string url_host(const std::string& url) {
  std::string_view rest = url;
  std::size_t scheme = rest.find("://");
  if (scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    return close == std::string_view::npos ? std::string() : std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

void write_self_signed_certificate(const TlsFiles& files, const std::vector<std::string>& hosts,
                                   core::TimePoint now, std::chrono::seconds validity,
                                   core::Random& random) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) fail("cannot generate a P-256 key");
  X509Ptr cert = make_certificate(key.get(), hosts, now, validity, random);
  // The key goes first: a crash between the two writes leaves a pair that does not match,
  // which the next start notices and replaces.
  write_atomically(files.key, 0600, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  write_atomically(files.cert, 0644, [&](FILE* f) { return PEM_write_X509(f, cert.get()) == 1; });
}

TlsFiles ensure_tls_files(const core::Config& config, core::Random& random,
                          const core::Clock& clock) {
  if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      fail("tls_cert and tls_key must be set together");
    }
    return {config.tls_cert, config.tls_key};
  }
  fs::path dir = config.data_dir / "tls";
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) fail("cannot create " + dir.string() + ": " + ec.message());
  TlsFiles files{dir / "cert.pem", dir / "key.pem"};
  std::vector<std::string> hosts{"localhost", "127.0.0.1", "::1"};
  std::string public_host = url_host(config.base_url());
  if (public_host != "localhost" && public_host != "127.0.0.1" && public_host != "::1") {
    hosts.push_back(public_host);
  }
  std::string reason = replace_reason(files, hosts, clock.now());
  if (!reason.empty()) {
    core::log(core::LogLevel::kInfo, "creating a self-signed TLS certificate",
              {{"path", files.cert.string()}, {"reason", reason}});
    write_self_signed_certificate(files, hosts, clock.now(), kValidity, random);
  }
  return files;
}

}  // namespace twostep::server
