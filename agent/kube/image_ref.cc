#include "agent/kube/image_ref.h"

namespace peregrine::agent::cluster {

ImageRef parse_image_ref(std::string_view image) {
  ImageRef ref;
  size_t at = image.find('@');
  if (at != std::string_view::npos) {
    ref.digest = std::string(image.substr(at + 1));
    image = image.substr(0, at);
  }
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = std::string(image.substr(colon + 1));
    image = image.substr(0, colon);
  }
  ref.repository = std::string(image);
  return ref;
}

std::string digest_of_image_id(std::string_view image_id) {
  size_t pos = image_id.rfind("sha256:");
  if (pos == std::string_view::npos) return "";
  return std::string(image_id.substr(pos));
}

}  // namespace peregrine::agent::cluster
