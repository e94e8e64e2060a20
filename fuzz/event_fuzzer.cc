// libFuzzer target: kernel event records as the probe and the kernel module write them. Every
// byte string must decode to a view whose every parameter lies inside the buffer, or be
// rejected with an error; typed reads of every parameter must stay in bounds.

#include <cstddef>
#include <cstdint>
#include <span>

#include "driver/reader/event_view.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace peregrine::driver;
  auto view = decode_event(std::span<const uint8_t>(data, size));
  if (!view) return 0;
  for (uint32_t i = 0; i < view->nparams(); ++i) {
    auto p = view->param(i);
    if (!p.empty() && (p.data() < data || p.data() + p.size() > data + size)) __builtin_trap();
    (void)view->as_int(i);
    (void)view->as_uint(i);
    (void)view->as_string(i);
    (void)view->as_strings(i);
    (void)view->as_socktuple(i);
  }
  return 0;
}
