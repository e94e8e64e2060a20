#include "agent/kube/pod_metadata.h"

#include <gtest/gtest.h>

#include "agent/kube/image_ref.h"
#include "agent/state/container_registry.h"

namespace peregrine::agent::cluster {
namespace {

const std::string kIdA(64, 'a');
const std::string kIdB = std::string(63, 'b') + "1";
const std::string kIdC(64, 'c');

nlohmann::json pod_json() {
  return nlohmann::json::parse(R"({
    "apiVersion": "v1", "kind": "Pod",
    "metadata": {"name": "web-7d9f", "namespace": "team-a", "uid": "0f3c1e2a-1111-2222-3333-444455556666",
                 "labels": {"app": "web", "tier": "front"}},
    "spec": {"nodeName": "node-1"},
    "status": {
      "podIP": "10.1.2.3",
      "initContainerStatuses": [
        {"name": "init-db", "image": "busybox:1.36", "imageID": "docker.io/library/busybox@sha256:)" +
                               std::string(64, '1') + R"(",
         "containerID": "containerd://)" + kIdA + R"("}],
      "containerStatuses": [
        {"name": "nginx", "image": "docker.io/library/nginx:1.25",
         "imageID": "docker.io/library/nginx@sha256:)" + std::string(64, '2') + R"(",
         "containerID": "containerd://)" + kIdB + R"("},
        {"name": "starting", "image": "app:1", "imageID": ""}],
      "ephemeralContainerStatuses": [
        {"name": "debugger", "image": "registry.local:5000/tools/debug@sha256:)" + std::string(64, '3') + R"(",
         "containerID": "cri-o://)" + kIdC + R"("}]
    }})");
}

TEST(ImageRef, SplitsRepositoryTagAndDigest) {
  ImageRef r = parse_image_ref("docker.io/library/nginx:1.25");
  EXPECT_EQ(r.repository, "docker.io/library/nginx");
  EXPECT_EQ(r.tag, "1.25");
  EXPECT_EQ(r.digest, "");

  r = parse_image_ref("registry:5000/team/app");
  EXPECT_EQ(r.repository, "registry:5000/team/app");
  EXPECT_EQ(r.tag, "");

  r = parse_image_ref("registry:5000/team/app:v2");
  EXPECT_EQ(r.repository, "registry:5000/team/app");
  EXPECT_EQ(r.tag, "v2");

  r = parse_image_ref("nginx@sha256:abc");
  EXPECT_EQ(r.repository, "nginx");
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.digest, "sha256:abc");

  r = parse_image_ref("ghcr.io/a/b:v1@sha256:def");
  EXPECT_EQ(r.repository, "ghcr.io/a/b");
  EXPECT_EQ(r.tag, "v1");
  EXPECT_EQ(r.digest, "sha256:def");

  r = parse_image_ref("busybox");
  EXPECT_EQ(r.repository, "busybox");
  EXPECT_EQ(r.tag, "");
}

TEST(ImageRef, DigestOfImageIdFromEveryRuntime) {
  EXPECT_EQ(digest_of_image_id("docker-pullable://nginx@sha256:aa"), "sha256:aa");
  EXPECT_EQ(digest_of_image_id("docker.io/library/nginx@sha256:bb"), "sha256:bb");
  EXPECT_EQ(digest_of_image_id("sha256:cc"), "sha256:cc");
  EXPECT_EQ(digest_of_image_id(""), "");
}

TEST(ContainerId, ParsesRuntimeUris) {
  auto id = parse_container_id("containerd://" + kIdA);
  ASSERT_TRUE(id);
  EXPECT_EQ(id->runtime, "containerd");
  EXPECT_EQ(id->id, kIdA);
  ASSERT_TRUE(parse_container_id("docker://" + kIdB));
  EXPECT_EQ(parse_container_id("cri-o://" + kIdC)->runtime, "cri-o");
  EXPECT_FALSE(parse_container_id(""));
  EXPECT_FALSE(parse_container_id(kIdA));
  EXPECT_FALSE(parse_container_id("containerd://" + kIdA.substr(1)));
  EXPECT_FALSE(parse_container_id("containerd://" + std::string(64, 'A')));
  EXPECT_FALSE(parse_container_id("://" + kIdA));
}

TEST(PodMetadata, EveryStatusListWithAnIdBecomesAContainer) {
  auto containers = containers_of_pod(pod_json());
  ASSERT_EQ(containers.size(), 3u);  // "starting" has no id yet
  EXPECT_EQ(containers[0].id.id, kIdA);
  EXPECT_EQ(containers[0].metadata.name, "init-db");
  EXPECT_EQ(containers[1].id.id, kIdB);
  EXPECT_EQ(containers[2].id.runtime, "cri-o");
  EXPECT_EQ(containers[2].metadata.name, "debugger");

  const ContainerMetadata& nginx = containers[1].metadata;
  EXPECT_EQ(nginx.image, "docker.io/library/nginx:1.25");
  EXPECT_EQ(nginx.image_repository, "docker.io/library/nginx");
  EXPECT_EQ(nginx.image_tag, "1.25");
  EXPECT_EQ(nginx.image_digest, "sha256:" + std::string(64, '2'));
  EXPECT_EQ(nginx.image_id, std::string(64, '2'));
  EXPECT_EQ(nginx.ip, "10.1.2.3");
  EXPECT_EQ(nginx.k8s.pod_name, "web-7d9f");
  EXPECT_EQ(nginx.k8s.ns_name, "team-a");
  EXPECT_EQ(nginx.k8s.pod_uid, "0f3c1e2a-1111-2222-3333-444455556666");
  EXPECT_EQ(nginx.k8s.pod_ip, "10.1.2.3");
  ASSERT_EQ(nginx.k8s.pod_labels.size(), 2u);
  EXPECT_EQ(nginx.k8s.pod_labels[0].key, "app");
  EXPECT_EQ(nginx.k8s.pod_labels[0].value, "web");
  EXPECT_EQ(nginx.k8s.pod_labels[1].key, "tier");

  const ContainerMetadata& debug = containers[2].metadata;
  EXPECT_EQ(debug.image_repository, "registry.local:5000/tools/debug");
  EXPECT_EQ(debug.image_tag, "");
  EXPECT_EQ(debug.image_digest, "sha256:" + std::string(64, '3'));
}

TEST(PodMetadata, PodWithoutStatusOrGarbageGivesNothing) {
  EXPECT_TRUE(containers_of_pod(nlohmann::json::parse(R"({"metadata": {"name": "p"}})")).empty());
  EXPECT_TRUE(containers_of_pod(nlohmann::json::parse(R"({"status": {"containerStatuses": 3}})")).empty());
  EXPECT_TRUE(containers_of_pod(nlohmann::json::parse(R"([1, 2])")).empty());
  EXPECT_TRUE(containers_of_pod(nlohmann::json::parse(
                                    R"({"status": {"containerStatuses": [{"containerID": 7}, "x"]}})"))
                  .empty());
}

std::vector<engine::CgroupView> kubepods_cgroup(const std::string& id) {
  return {{"", "/kubepods/besteffort/pod0f3c1e2a-1111-2222-3333-444455556666/" + id}};
}

std::shared_ptr<const ContainerMetadataMap> snapshot_of(const nlohmann::json& pod) {
  auto map = std::make_shared<ContainerMetadataMap>();
  for (const PodContainer& c : containers_of_pod(pod)) (*map)[c.id.id] = c.metadata;
  return map;
}

TEST(ContainerRegistryMetadata, FillsKnownContainersAndLaterOnes) {
  ContainerRegistry registry;
  const ContainerInfo& before = registry.for_cgroups(kubepods_cgroup(kIdB));
  EXPECT_EQ(before.k8s.pod_name, "");
  EXPECT_EQ(before.view.name, kIdB.substr(0, 12));

  registry.apply_metadata(snapshot_of(pod_json()));
  // The same object, updated in place: threads keep pointing at it.
  EXPECT_EQ(before.k8s.pod_name, "web-7d9f");
  EXPECT_EQ(before.k8s.ns_name, "team-a");
  EXPECT_TRUE(before.has_k8s);
  EXPECT_EQ(before.view.name, "nginx");
  EXPECT_EQ(before.view.image_repository, "docker.io/library/nginx");
  EXPECT_EQ(before.view.ip, "10.1.2.3");

  const ContainerInfo& later = registry.for_cgroups(kubepods_cgroup(kIdA));
  EXPECT_EQ(later.view.name, "init-db");
  EXPECT_EQ(later.k8s.pod_name, "web-7d9f");

  // The pod is deleted: what the containers had stays.
  registry.apply_metadata(std::make_shared<ContainerMetadataMap>());
  EXPECT_EQ(before.k8s.pod_name, "web-7d9f");
  EXPECT_EQ(later.view.name, "init-db");

  // A container first seen after its pod is gone knows only what its cgroup says.
  const ContainerInfo& orphan = registry.for_cgroups(kubepods_cgroup(kIdC));
  EXPECT_EQ(orphan.k8s.pod_name, "");
  EXPECT_EQ(orphan.k8s.pod_uid, "0f3c1e2a-1111-2222-3333-444455556666");
}

TEST(ContainerMetadataFeed, GenerationMovesOnEachPublish) {
  ContainerMetadataFeed feed;
  EXPECT_EQ(feed.generation(), 0u);
  EXPECT_EQ(feed.current(), nullptr);
  auto snapshot = snapshot_of(pod_json());
  feed.publish(snapshot);
  EXPECT_EQ(feed.generation(), 1u);
  EXPECT_EQ(feed.current(), snapshot);
  feed.publish(nullptr);
  EXPECT_EQ(feed.generation(), 2u);
}

}  // namespace
}  // namespace peregrine::agent::cluster
