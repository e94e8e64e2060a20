#include "engine/sources/k8s_audit/image_ref.h"

#include <gtest/gtest.h>

namespace peregrine::engine::k8s_audit {
namespace {

TEST(AuditImageRepository, StripsTagAndDigest) {
  EXPECT_EQ(image_repository("nginx"), "nginx");
  EXPECT_EQ(image_repository("nginx:1.25"), "nginx");
  EXPECT_EQ(image_repository("docker.io/library/nginx:1.25.3"), "docker.io/library/nginx");
  EXPECT_EQ(image_repository("falcosecurity/falco@sha256:abc"), "falcosecurity/falco");
  EXPECT_EQ(image_repository("falcosecurity/falco:0.37@sha256:abc"), "falcosecurity/falco");
  EXPECT_EQ(image_repository(""), "");
}

TEST(AuditImageRepository, KeepsRegistryPort) {
  EXPECT_EQ(image_repository("registry:5000/app"), "registry:5000/app");
  EXPECT_EQ(image_repository("registry:5000/app:v1"), "registry:5000/app");
  EXPECT_EQ(image_repository("registry:5000/team/app@sha256:0f"), "registry:5000/team/app");
}

}  // namespace
}  // namespace peregrine::engine::k8s_audit
