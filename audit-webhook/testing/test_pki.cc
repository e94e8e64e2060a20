#include "audit-webhook/testing/test_pki.h"

#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <vector>

namespace peregrine::audit::testing {
namespace {

Status run(const std::string& dir, const std::string& command) {
  std::string full = "cd '" + dir + "' && " + command + " >openssl.log 2>&1";
  if (std::system(full.c_str()) != 0) return make_error("openssl step failed: " + command);
  return {};
}

// A key and a certificate signed by `ca` (a self-signed CA when ca is empty).
Status make_cert(const std::string& dir, const std::string& name, const std::string& subject,
                 const std::string& ca, const std::string& extensions) {
  const std::string key_opts = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  if (ca.empty()) {
    return run(dir, "openssl req -x509 " + key_opts + " -keyout " + name + ".key -out " + name +
                        ".crt -subj " + subject + " -days 2");
  }
  {
    std::ofstream ext(dir + "/" + name + ".ext");
    ext << extensions << "\n";
  }
  if (Status s = run(dir, "openssl req " + key_opts + " -keyout " + name + ".key -out " + name +
                              ".csr -subj " + subject);
      !s)
    return s;
  return run(dir, "openssl x509 -req -in " + name + ".csr -CA " + ca + ".crt -CAkey " + ca +
                      ".key -CAcreateserial -out " + name + ".crt -days 2 -extfile " + name +
                      ".ext");
}

}  // namespace

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/peregrine-audit-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();  // tests cannot run without it
  path_ = buf.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& name, const std::string& text) const {
  std::string target = file(name);
  std::string tmp = target + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
  }
  std::filesystem::rename(tmp, target);
  return target;
}

Result<TestPki> TestPki::create(const std::string& dir) {
  const std::string client_ext = "extendedKeyUsage=clientAuth";
  struct Step {
    const char* name;
    const char* subject;
    const char* ca;
    std::string ext;
  };
  const Step steps[] = {
      {"ca", "/CN=peregrine-test-ca", "", ""},
      {"rogue-ca", "/CN=someone-else", "", ""},
      {"server", "/CN=localhost", "ca",
       "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"},
      {"client", "/CN=kube-apiserver", "ca", client_ext},
      {"rogue-client", "/CN=kube-apiserver", "rogue-ca", client_ext},
  };
  for (const Step& s : steps)
    if (Status st = make_cert(dir, s.name, s.subject, s.ca, s.ext); !st) return st.error();
  TestPki pki;
  pki.ca_cert = dir + "/ca.crt";
  pki.server_cert = dir + "/server.crt";
  pki.server_key = dir + "/server.key";
  pki.client_cert = dir + "/client.crt";
  pki.client_key = dir + "/client.key";
  pki.rogue_client_cert = dir + "/rogue-client.crt";
  pki.rogue_client_key = dir + "/rogue-client.key";
  return pki;
}

}  // namespace peregrine::audit::testing
