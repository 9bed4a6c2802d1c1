#include "server/certificate.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "tests/unit/core/temp_dir.hpp"

namespace twostep::server {
namespace {

using namespace std::chrono_literals;

struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;

X509Ptr load_cert(const std::filesystem::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  X509Ptr cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return cert;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Verifies `cert` against itself as the only trust anchor, for `host`, at time `when`, the
// way a client that pins the self-signed certificate does.
bool pinned_verify(X509* cert, const std::string& host, std::time_t when) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, cert);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, cert, nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx);
  X509_VERIFY_PARAM_set_time(param, when);
  if (host.find_first_not_of("0123456789.:") == std::string::npos) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  bool ok = X509_verify_cert(ctx) == 1;
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok;
}

class CertificateTest : public ::testing::Test {
 protected:
  core::Config config() {
    core::Config c;
    c.data_dir = dir_.path();
    c.listen = "127.0.0.1:0";
    return c;
  }
  testing::TempDir dir_;
  core::SeededRandom random_{42};
  core::ManualClock clock_{core::from_unix_seconds(1'800'000'000)};
};

TEST_F(CertificateTest, CreatesEcdsaP256SelfSignedCertificateWithPrivateKey) {
  TlsFiles files = ensure_tls_files(config(), random_, clock_);
  EXPECT_EQ(files.cert, dir_.path() / "tls" / "cert.pem");
  EXPECT_EQ(files.key, dir_.path() / "tls" / "key.pem");
  struct stat st {};
  ASSERT_EQ(::stat(files.key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  X509Ptr cert = load_cert(files.cert);
  ASSERT_TRUE(cert);
  EVP_PKEY* key = X509_get0_pubkey(cert.get());
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
  char group[64] = "";
  size_t len = 0;
  EVP_PKEY_get_group_name(key, group, sizeof group, &len);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_NE(X509_check_host(cert.get(), "example.com", 0, 0, nullptr), 1);
}

TEST_F(CertificateTest, IsValidForOneYearAndVerifiesWhenPinned) {
  TlsFiles files = ensure_tls_files(config(), random_, clock_);
  X509Ptr cert = load_cert(files.cert);
  ASSERT_TRUE(cert);
  const std::time_t now = core::unix_seconds(clock_.now());
  EXPECT_TRUE(pinned_verify(cert.get(), "localhost", now));
  EXPECT_TRUE(pinned_verify(cert.get(), "127.0.0.1", now));
  EXPECT_FALSE(pinned_verify(cert.get(), "other.example", now));
  EXPECT_TRUE(pinned_verify(cert.get(), "localhost", now + 364 * 86400));
  EXPECT_FALSE(pinned_verify(cert.get(), "localhost", now + 366 * 86400));
}

TEST_F(CertificateTest, ReusesTheCertificateOnLaterRuns) {
  TlsFiles first = ensure_tls_files(config(), random_, clock_);
  std::string pem = read_file(first.cert);
  clock_.advance(std::chrono::hours(24 * 30));
  TlsFiles second = ensure_tls_files(config(), random_, clock_);
  EXPECT_EQ(read_file(second.cert), pem);
}

TEST_F(CertificateTest, ReplacesItNearExpiryOrWhenThePublicHostChanges) {
  TlsFiles files = ensure_tls_files(config(), random_, clock_);
  std::string pem = read_file(files.cert);
  core::Config named = config();
  named.public_url = "https://mfa.example.com:8443";
  ensure_tls_files(named, random_, clock_);
  std::string renamed = read_file(files.cert);
  EXPECT_NE(renamed, pem);
  X509Ptr cert = load_cert(files.cert);
  EXPECT_EQ(X509_check_host(cert.get(), "mfa.example.com", 0, 0, nullptr), 1);

  clock_.advance(std::chrono::hours(24 * 365));
  ensure_tls_files(named, random_, clock_);
  EXPECT_NE(read_file(files.cert), renamed);
}

TEST_F(CertificateTest, ReplacesAPairWhoseKeyDoesNotMatch) {
  TlsFiles files = ensure_tls_files(config(), random_, clock_);
  std::string pem = read_file(files.cert);
  std::filesystem::remove(files.key);
  ensure_tls_files(config(), random_, clock_);
  EXPECT_NE(read_file(files.cert), pem);
  EXPECT_TRUE(std::filesystem::exists(files.key));
}

TEST_F(CertificateTest, UsesConfiguredFilesAsGiven) {
  core::Config c = config();
  c.tls_cert = "/etc/twostep/cert.pem";
  c.tls_key = "/etc/twostep/key.pem";
  TlsFiles files = ensure_tls_files(c, random_, clock_);
  EXPECT_EQ(files.cert, c.tls_cert);
  EXPECT_EQ(files.key, c.tls_key);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "tls"));
  c.tls_key.clear();
  EXPECT_THROW(ensure_tls_files(c, random_, clock_), core::ConfigError);
}

TEST(UrlHost, ExtractsHostFromUrls) {
  EXPECT_EQ(url_host("https://mfa.example.com:8443/x"), "mfa.example.com");
  EXPECT_EQ(url_host("https://mfa.example.com"), "mfa.example.com");
  EXPECT_EQ(url_host("https://[::1]:8443"), "::1");
  EXPECT_EQ(url_host("https://user@host:1"), "host");
  EXPECT_EQ(url_host("https://10.0.0.1?q"), "10.0.0.1");
}

}  // namespace
}  // namespace twostep::server
