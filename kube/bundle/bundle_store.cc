#include "kube/bundle/bundle_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace peregrine::kube::bundle {
namespace {

namespace fs = std::filesystem;

Status make_private_dir(const std::string& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) return make_error(path + ": " + ec.message());
  if (::chmod(path.c_str(), 0700) != 0) return make_error(path + ": chmod: " + std::strerror(errno));
  return {};
}

Status write_file(const std::string& path, const std::string& bytes) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return make_error(tmp + ": " + std::strerror(errno));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string why = std::strerror(errno);
      ::close(fd);
      return make_error(tmp + ": " + why);
    }
    done += static_cast<size_t>(n);
  }
  if (::fchmod(fd, 0600) != 0 || ::close(fd) != 0) return make_error(tmp + ": " + std::strerror(errno));
  if (::rename(tmp.c_str(), path.c_str()) != 0) return make_error(path + ": " + std::strerror(errno));
  return {};
}

}  // namespace

Result<std::string> store_bundle(const std::string& root, const Bundle& bundle) {
  if (Status s = make_private_dir(root); !s) return s.error();
  std::string dir = root + "/" + bundle.hash;
  std::string tmp = dir + ".new";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  if (Status s = make_private_dir(tmp); !s) return s.error();
  for (const BundleFile& f : bundle.files) {
    if (Status s = write_file(tmp + "/" + f.name, f.text); !s) return s.error();
  }
  if (bundle.outputs) {
    if (Status s = write_file(tmp + "/" + bundle.outputs->name, bundle.outputs->text); !s) return s.error();
  }
  fs::remove_all(dir, ec);
  if (::rename(tmp.c_str(), dir.c_str()) != 0) return make_error(dir + ": " + std::strerror(errno));
  return dir;
}

void prune_bundles(const std::string& root, const std::string& keep) {
  std::error_code ec;
  std::vector<fs::path> older;
  for (const auto& entry : fs::directory_iterator(root, ec)) {
    if (entry.path() != fs::path(keep)) older.push_back(entry.path());
  }
  for (const fs::path& p : older) fs::remove_all(p, ec);
}

Status store_secrets(const std::string& secrets_dir, const Bundle& bundle) {
  for (const BundleSecretFile& s : bundle.secrets) {
    std::string dir = secrets_dir + "/" + s.dir;
    if (Status st = make_private_dir(dir); !st) return st;
    if (Status st = write_file(dir + "/" + s.key, s.value); !st) return st;
  }
  return {};
}

}  // namespace peregrine::kube::bundle
