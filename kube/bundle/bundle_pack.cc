#include "kube/bundle/bundle_pack.h"

#include <set>
#include <string_view>

#include <simdjson.h>

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

Result<PackContents> parse_pack(const std::string& pack, PackRules rules) {
  const size_t eol = pack.find('\n');
  if (eol == std::string::npos) return make_error("pack: the index has no end of line");
  // simdjson rather than nlohmann: at 1,000 files, building nlohmann's maps for the index was
  // half of what an agent spent taking in a new bundle.
  simdjson::dom::parser parser;
  simdjson::dom::element index;
  if (parser.parse(pack.data(), eol).get(index) || !index.is_object())
    return make_error("pack: the index is not a JSON object");
  simdjson::dom::array files;
  if (index["files"].get_array().get(files)) return make_error("pack: the index has no files list");
  PackContents out;
  if (simdjson::dom::array r; rules == PackRules::kKeep && !index["rules"].get_array().get(r))
    out.rules = nlohmann::json::parse(simdjson::to_string(r));
  out.files.reserve(files.size());
  std::set<std::string_view> names;
  size_t offset = eol + 1, i = 0;
  for (simdjson::dom::element f : files) {
    std::string_view name, tenant;
    uint64_t n = 0;
    if (!f.is_object() || f["name"].get_string().get(name) || f["size"].get_uint64().get(n))
      return make_error("pack: index files[" + std::to_string(i) + "] has no name and size");
    if (f["tenant"].get_string().get(tenant)) tenant = {};
    PackedFile file;
    file.name = name;
    file.tenant = tenant;
    if (!safe_file_name(file.name))
      return make_error("pack: index files[" + std::to_string(i) + "] has no usable name '" + file.name + "'");
    if (!names.insert(name).second) return make_error("pack: file " + file.name + " listed twice");
    if (n > pack.size() - offset) return make_error("pack: " + file.name + " runs past the end of the pack");
    file.text = pack.substr(offset, n);
    offset += n;
    out.files.push_back(std::move(file));
    ++i;
  }
  if (offset != pack.size())
    return make_error("pack: " + std::to_string(pack.size() - offset) + " bytes follow the last file");
  return out;
}

}  // namespace peregrine::kube::bundle
