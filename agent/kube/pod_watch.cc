#include "agent/kube/pod_watch.h"

namespace peregrine::agent::cluster {
namespace {

std::string pod_key(const nlohmann::json& pod) {
  const nlohmann::json meta = pod.value("metadata", nlohmann::json::object());
  return meta.value("namespace", "") + "/" + meta.value("name", "");
}

}  // namespace

PodWatch::PodWatch(std::shared_ptr<kube::Client> client, const std::string& node_name, ContainerMetadataFeed& feed)
    : feed_(feed) {
  kube::InformerOptions options;
  options.ref = {"", "v1", "pods", true};
  options.field_selector = "spec.nodeName=" + node_name;
  kube::InformerHandlers handlers;
  handlers.on_add = [this](const nlohmann::json& pod) { put(pod); };
  handlers.on_update = [this](const nlohmann::json&, const nlohmann::json& pod) { put(pod); };
  handlers.on_delete = [this](const nlohmann::json& pod) { erase(pod); };
  informer_ = std::make_unique<kube::Informer>(std::move(client), options, handlers);
}

PodWatch::~PodWatch() { informer_->stop(); }

void PodWatch::start() { informer_->start(); }

void PodWatch::put(const nlohmann::json& pod) {
  by_pod_[pod_key(pod)] = containers_of_pod(pod);
  publish();
}

void PodWatch::erase(const nlohmann::json& pod) {
  by_pod_.erase(pod_key(pod));
  publish();
}

void PodWatch::publish() {
  auto snapshot = std::make_shared<ContainerMetadataMap>();
  for (const auto& [key, containers] : by_pod_) {
    for (const PodContainer& c : containers) (*snapshot)[c.id.id] = c.metadata;
  }
  containers_.store(snapshot->size());
  feed_.publish(std::move(snapshot));
}

}  // namespace peregrine::agent::cluster
