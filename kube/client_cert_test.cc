// Client-certificate authentication against the real API test server started with TLS and
// --client-ca: a kubeconfig naming a certificate the CA signed gets in; one without a
// certificate, or with one from another CA, is refused during the TLS handshake.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kube/client.h"
#include "kube/config.h"
#include "kube/testing/api_test_server.h"

namespace peregrine::kube {
namespace {

using testing::ApiTestServer;

const ResourceRef kConfigMaps{"", "v1", "configmaps", true};

// A temp dir holding a CA, a server certificate for 127.0.0.1 and a client certificate, both
// signed by the CA, plus a client certificate from an unrelated CA. Removed on destruction.
class Certificates {
 public:
  Certificates() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "kube-certs-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return;
    dir_ = tmpl;
    const std::string req = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 ";
    ok_ = run(req + "-subj /CN=peregrine-test-ca -keyout ca.key -out ca.crt") &&
          run(req + "-CA ca.crt -CAkey ca.key -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
                    "-addext basicConstraints=critical,CA:FALSE -keyout server.key -out server.crt") &&
          run(req + "-CA ca.crt -CAkey ca.key -subj /O=system:masters/CN=peregrine-operator "
                    "-addext basicConstraints=critical,CA:FALSE -addext extendedKeyUsage=clientAuth "
                    "-keyout client.key -out client.crt") &&
          run(req + "-subj /CN=stranger -addext extendedKeyUsage=clientAuth -keyout stranger.key -out stranger.crt") &&
          run("base64 -w0 client.crt > client.crt.b64 && base64 -w0 client.key > client.key.b64");
  }
  ~Certificates() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  bool ok() const { return ok_; }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  bool run(const std::string& command) {
    return std::system(("cd " + dir_ + " && (" + command + ") >/dev/null 2>&1").c_str()) == 0;
  }
  std::string dir_;
  bool ok_ = false;
};

// A kubeconfig beside the certificates, with relative file paths as kubeadm writes them and
// one user that embeds its certificate as data.
std::string write_kubeconfig(const Certificates& certs, const std::string& server) {
  std::string path = certs.path("kubeconfig");
  std::ofstream(path) << "apiVersion: v1\nkind: Config\ncurrent-context: files\n"
                         "clusters:\n- name: test\n  cluster: {server: \"" << server
                      << "\", certificate-authority: ca.crt}\n"
                         "users:\n"
                         "- name: files\n  user: {client-certificate: client.crt, client-key: client.key}\n"
                         "- name: data\n  user: {client-certificate-data: " << certs.read("client.crt.b64")
                      << ", client-key-data: " << certs.read("client.key.b64") << "}\n"
                         "- name: nobody\n  user: {}\n"
                         "- name: stranger\n  user: {client-certificate: stranger.crt, client-key: stranger.key}\n"
                         "contexts:\n"
                         "- name: files\n  context: {cluster: test, user: files}\n"
                         "- name: data\n  context: {cluster: test, user: data}\n"
                         "- name: nobody\n  context: {cluster: test, user: nobody}\n"
                         "- name: stranger\n  context: {cluster: test, user: stranger}\n";
  return path;
}

ApiResult<nlohmann::json> get_with(const std::string& kubeconfig, const std::string& context) {
  auto config = load_kubeconfig(kubeconfig, context);
  if (!config.ok()) return config.error();
  config->request_timeout = std::chrono::milliseconds(5000);
  return Client(*config).get(kConfigMaps, "default", "x");
}

TEST(ClientCertificate, SignedCertificateInKubeconfigIsAcceptedAndMissingOneIsRefused) {
  Certificates certs;
  ASSERT_TRUE(certs.ok()) << "openssl could not generate the test certificates";
  ApiTestServer server({"--tls-cert", certs.path("server.crt"), "--tls-key", certs.path("server.key"),
                        "--client-ca", certs.path("ca.crt")});
  ASSERT_TRUE(server.ok());
  std::string kubeconfig = write_kubeconfig(certs, server.url());

  for (const char* context : {"files", "data"}) {
    auto accepted = get_with(kubeconfig, context);
    ASSERT_FALSE(accepted.ok()) << context;  // the request got through TLS to the API: 404
    EXPECT_TRUE(accepted.error().is_not_found()) << context << ": " << accepted.error().describe();
  }

  // Under TLS 1.3 the refusal may arrive as the server's alert or as a bare closed connection,
  // whichever wins the race with our request; either way the message names the likely cause.
  for (auto [context, cause] : {std::pair{"nobody", "it may require a client certificate, and none is configured"},
                                std::pair{"stranger", "it may not trust the client certificate's issuer"}}) {
    auto refused = get_with(kubeconfig, context);
    ASSERT_FALSE(refused.ok()) << context;
    EXPECT_EQ(refused.error().http_status, 0) << context;  // no HTTP answer: TLS refused us
    EXPECT_EQ(refused.error().reason, "Transport") << context;
    EXPECT_NE(refused.error().message.find(cause), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find(server.url()), std::string::npos) << refused.error().message;
  }
}

}  // namespace
}  // namespace peregrine::kube
