// KmodDevice without the module (this kernel cannot load one): the error when the device is
// absent, and the interesting-set bitmap the ioctl receives.
#include "driver/kmod_reader/kmod_device.h"

#include <gtest/gtest.h>

namespace peregrine::driver {
namespace {

bool bit(const peregrine_kmod_interesting& set, uint32_t code) {
  return ((set.bits[code / 64] >> (code % 64)) & 1) != 0;
}

TEST(KmodDevice, MissingDeviceSaysTheModuleIsNotLoaded) {
  KmodOptions options;
  options.device_path = "/nonexistent/peregrine";
  auto device = KmodDevice::open(options);
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.error().message.find(
                "kernel module 'peregrine' is not loaded (modprobe peregrine)"),
            std::string::npos)
      << device.error().message;
}

TEST(KmodDevice, NotTheDeviceIsAClearError) {
  KmodOptions options;
  options.device_path = "/dev/null";  // opens, but answers no peregrine ioctl
  auto device = KmodDevice::open(options);
  ASSERT_FALSE(device.ok());
  EXPECT_NE(device.error().message.find("/dev/null"), std::string::npos);
}

TEST(KmodDevice, InterestingBitmapKeepsLifecycleEventsAndSchemaCodesOnly) {
  InterestSet by_type(PEREGRINE_SYSCALL_CODE_LIMIT, Interest::kNone);
  by_type[PEREGRINE_EVT_CODE_OPENAT] = Interest::kFull;
  by_type[PEREGRINE_EVT_CODE_CLOSE] = Interest::kStateOnly;
  by_type[1] = Interest::kFull;  // write: not in the schema
  const peregrine_kmod_interesting set = interesting_bitmap(by_type);
  EXPECT_TRUE(bit(set, PEREGRINE_EVT_CODE_OPENAT));
  EXPECT_TRUE(bit(set, PEREGRINE_EVT_CODE_CLOSE));
  EXPECT_FALSE(bit(set, 1));
  EXPECT_FALSE(bit(set, PEREGRINE_EVT_CODE_CONNECT));
  for (uint16_t code : KmodDevice::lifecycle_events()) {
    if (code < PEREGRINE_SYSCALL_CODE_LIMIT) {
      EXPECT_TRUE(bit(set, code)) << code;
    }
  }
  const peregrine_kmod_interesting all =
      interesting_bitmap(InterestSet(PEREGRINE_SYSCALL_CODE_LIMIT, Interest::kFull));
  EXPECT_TRUE(bit(all, PEREGRINE_EVT_CODE_CONNECT));
  EXPECT_TRUE(bit(all, PEREGRINE_EVT_CODE_OPENAT2));
}

}  // namespace
}  // namespace peregrine::driver
