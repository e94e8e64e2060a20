#include "operator/admission/serving_cert.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509v3.h>

#include "operator/admission/openssl_owners.h"

namespace peregrine::op::admission {
namespace {

using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX_free>>;

// Verifies `cert_pem` against `ca_pem` as a TLS client would, for `host` (a DNS name or IP).
bool verifies(const ServingCertificate& c, const std::string& host, bool is_ip) {
  auto ca = certificates_from_pem(c.ca_pem);
  auto leaf = certificates_from_pem(c.cert_pem);
  if (!ca.ok() || !leaf.ok()) return false;
  StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), (*ca)[0].get());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), (*leaf)[0].get(), nullptr);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (is_ip) X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  else X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
  return X509_verify_cert(ctx.get()) == 1;
}

TEST(ServingCert, TheGeneratedCertificateVerifiesForEveryNameAndOnlyThose) {
  auto names = service_dns_names("peregrine-webhook", "peregrine-system");
  EXPECT_THAT(names, ::testing::ElementsAre("peregrine-webhook", "peregrine-webhook.peregrine-system",
                                            "peregrine-webhook.peregrine-system.svc",
                                            "peregrine-webhook.peregrine-system.svc.cluster.local"));
  auto c = generate_serving_certificate(names, {"127.0.0.1", "::1"});
  ASSERT_TRUE(c.ok()) << c.error().message;
  for (const auto& n : names) EXPECT_TRUE(verifies(*c, n, false)) << n;
  EXPECT_TRUE(verifies(*c, "127.0.0.1", true));
  EXPECT_TRUE(verifies(*c, "::1", true));
  EXPECT_FALSE(verifies(*c, "other.peregrine-system.svc", false));
  EXPECT_FALSE(verifies(*c, "10.0.0.1", true));

  // The key is the certificate's, and the CA is a CA while the leaf is not.
  auto leaf = certificates_from_pem(c->cert_pem);
  auto key = private_key_from_pem(c->key_pem);
  ASSERT_TRUE(leaf.ok() && key.ok());
  EXPECT_EQ(X509_check_private_key((*leaf)[0].get(), key->get()), 1);
  EXPECT_EQ(X509_check_ca((*leaf)[0].get()), 0);
  auto ca = certificates_from_pem(c->ca_pem);
  ASSERT_TRUE(ca.ok());
  EXPECT_GT(X509_check_ca((*ca)[0].get()), 0);
}

TEST(ServingCert, EachGenerationHasItsOwnCa) {
  auto a = generate_serving_certificate({"a"}, {});
  auto b = generate_serving_certificate({"a"}, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->ca_pem, b->ca_pem);
  ServingCertificate mixed{a->cert_pem, a->key_pem, b->ca_pem};
  EXPECT_FALSE(verifies(mixed, "a", false));
}

TEST(ServingCert, RefusesNamesThatWouldInjectExtensions) {
  EXPECT_EQ(generate_serving_certificate({}, {}).error().message,
            "a serving certificate needs at least one DNS name");
  EXPECT_EQ(generate_serving_certificate({"a,IP:1.2.3.4"}, {}).error().message,
            "not a DNS name: 'a,IP:1.2.3.4'");
  EXPECT_EQ(generate_serving_certificate({"a"}, {"1.2.3.4,DNS:x"}).error().message,
            "not an IP address: '1.2.3.4,DNS:x'");
}

class CertFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/serving_cert_test." + std::to_string(::getpid());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
    return dir_ + "/" + name;
  }
  std::string dir_;
};

TEST_F(CertFiles, LoadsMatchingFilesAndRefusesAForeignKey) {
  auto a = generate_serving_certificate({"a"}, {});
  auto b = generate_serving_certificate({"b"}, {});
  ASSERT_TRUE(a.ok() && b.ok());
  std::string chain = write("tls.crt", a->cert_pem + a->ca_pem);
  auto loaded = load_serving_certificate(chain, write("tls.key", a->key_pem));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  EXPECT_EQ(loaded->ca_pem, a->ca_pem);  // the chain's last certificate
  auto with_ca = load_serving_certificate(chain, dir_ + "/tls.key", write("ca.crt", b->ca_pem));
  ASSERT_TRUE(with_ca.ok());
  EXPECT_EQ(with_ca->ca_pem, b->ca_pem);

  auto foreign = load_serving_certificate(chain, write("other.key", b->key_pem));
  ASSERT_FALSE(foreign.ok());
  EXPECT_THAT(foreign.error().message, ::testing::HasSubstr("is not the key of the certificate"));
  auto garbage = load_serving_certificate(write("bad.crt", "-----BEGIN CERTIFICATE-----\nAAAA\n"), dir_ + "/tls.key");
  ASSERT_FALSE(garbage.ok());
  EXPECT_THAT(garbage.error().message, ::testing::StartsWith(dir_ + "/bad.crt: not a PEM certificate chain"));
  EXPECT_EQ(load_serving_certificate(dir_ + "/missing", dir_ + "/tls.key").error().message,
            "cannot read " + dir_ + "/missing");
}

}  // namespace
}  // namespace peregrine::op::admission
