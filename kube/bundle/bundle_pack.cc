#include "kube/bundle/bundle_pack.h"

#include <set>

namespace peregrine::kube::bundle {

bool safe_file_name(const std::string& name) {
  return !name.empty() && name.size() <= 253 && name[0] != '.' && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

std::string write_pack(const std::vector<PackedFile>& files, const nlohmann::json& rules) {
  nlohmann::json index_files = nlohmann::json::array();
  size_t texts = 0;
  for (const PackedFile& f : files) {
    index_files.push_back({{"name", f.name}, {"tenant", f.tenant}, {"size", f.text.size()}});
    texts += f.text.size();
  }
  nlohmann::json index = {{"files", std::move(index_files)},
                          {"rules", rules.is_array() ? rules : nlohmann::json::array()}};
  std::string out = index.dump();  // dump() escapes every newline: the index is one line
  out.reserve(out.size() + 1 + texts);
  out += '\n';
  for (const PackedFile& f : files) out += f.text;
  return out;
}

Result<PackContents> parse_pack(const std::string& pack) {
  const size_t eol = pack.find('\n');
  if (eol == std::string::npos) return make_error("pack: the index has no end of line");
  nlohmann::json index = nlohmann::json::parse(pack.begin(), pack.begin() + static_cast<std::ptrdiff_t>(eol),
                                               nullptr, false);
  if (index.is_discarded() || !index.is_object()) return make_error("pack: the index is not a JSON object");
  auto files = index.find("files");
  if (files == index.end() || !files->is_array()) return make_error("pack: the index has no files list");
  PackContents out;
  if (auto rules = index.find("rules"); rules != index.end() && rules->is_array()) out.rules = std::move(*rules);
  std::set<std::string> names;
  size_t offset = eol + 1;
  for (size_t i = 0; i < files->size(); ++i) {
    const nlohmann::json& f = (*files)[i];
    auto name = f.find("name"), tenant = f.find("tenant"), size = f.find("size");
    if (!f.is_object() || name == f.end() || !name->is_string() || size == f.end() || !size->is_number_unsigned())
      return make_error("pack: index files[" + std::to_string(i) + "] has no name and size");
    PackedFile file;
    file.name = name->get<std::string>();
    if (tenant != f.end() && tenant->is_string()) file.tenant = tenant->get<std::string>();
    if (!safe_file_name(file.name))
      return make_error("pack: index files[" + std::to_string(i) + "] has no usable name '" + file.name + "'");
    if (!names.insert(file.name).second) return make_error("pack: file " + file.name + " listed twice");
    const size_t n = size->get<size_t>();
    if (n > pack.size() - offset) return make_error("pack: " + file.name + " runs past the end of the pack");
    file.text = pack.substr(offset, n);
    offset += n;
    out.files.push_back(std::move(file));
  }
  if (offset != pack.size())
    return make_error("pack: " + std::to_string(pack.size() - offset) + " bytes follow the last file");
  return out;
}

}  // namespace peregrine::kube::bundle
