// The simulated disk: a crash keeps exactly the synced prefix, or with tearing a prefix
// of the written bytes that is never shorter than the synced one; failing syncs and
// appends surface as errors; directory operations behave like a file system.
#include <string>

#include "gtest/gtest.h"
#include "sim/disk/sim_disk.h"
#include "sim/kernel/fiber_kernel.h"

namespace liminal::sim {
namespace {

struct World {
  explicit World(uint64_t seed)
      : kernel(MakeStrategy(StrategyKind::kRandom, seed), trace), disk(kernel, seed) {}
  Trace trace;
  FiberKernel kernel;
  SimDisk disk;
};

TEST(SimDiskTest, CrashKeepsOnlyTheSyncedPrefix) {
  World w(1);
  auto file = w.disk.OpenAppend("/data/log");
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE((*file)->Append("synced;").ok());
  ASSERT_TRUE((*file)->Sync().ok());
  ASSERT_TRUE((*file)->Append("not yet").ok());
  EXPECT_EQ(w.disk.ContentsOf("/data/log"), "synced;not yet");
  w.disk.Crash({});
  EXPECT_EQ(w.disk.ContentsOf("/data/log"), "synced;");
  EXPECT_EQ(*(*file)->Size(), 7u);
}

TEST(SimDiskTest, ATornWriteLeavesAPrefixBetweenSyncedAndWritten) {
  const std::string synced = "0123456789";
  const std::string unsynced = "abcdefghijklmnopqrstuvwxyz";
  bool saw_torn = false;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    World w(seed);
    auto file = w.disk.OpenAppend("/data/log");
    ASSERT_TRUE((*file)->Append(synced).ok());
    ASSERT_TRUE((*file)->Sync().ok());
    ASSERT_TRUE((*file)->Append(unsynced).ok());
    w.disk.Crash({.tear_last_write = true});
    const std::string after = w.disk.ContentsOf("/data/log");
    ASSERT_GE(after.size(), synced.size()) << "seed " << seed;
    ASSERT_LE(after.size(), synced.size() + unsynced.size());
    EXPECT_EQ(after, (synced + unsynced).substr(0, after.size()));
    if (after.size() > synced.size() && after.size() < synced.size() + unsynced.size()) {
      saw_torn = true;
    }
    EXPECT_EQ(w.disk.SyncedBytesOf("/data/log"), after.size());
  }
  EXPECT_TRUE(saw_torn);
}

TEST(SimDiskTest, FailingSyncsAndAppendsAreReported) {
  World w(2);
  auto file = w.disk.OpenAppend("/data/log");
  w.disk.FailSyncs(absl::DataLossError("fsync failed"));
  ASSERT_TRUE((*file)->Append("x").ok());
  EXPECT_EQ((*file)->Sync().code(), absl::StatusCode::kDataLoss);
  w.disk.FailAppends(absl::ResourceExhaustedError("disk full"));
  EXPECT_EQ((*file)->Append("y").code(), absl::StatusCode::kResourceExhausted);
  w.disk.Crash({});
  EXPECT_EQ(w.disk.ContentsOf("/data/log"), "");
}

TEST(SimDiskTest, RenameRemoveAndList) {
  World w(3);
  ASSERT_TRUE(w.disk.CreateDirectories("/data").ok());
  ASSERT_TRUE(w.disk.OpenAppend("/data/b").ok());
  ASSERT_TRUE(w.disk.OpenAppend("/data/a.tmp").ok());
  ASSERT_TRUE(w.disk.OpenAppend("/data/sub/c").ok());
  ASSERT_TRUE(w.disk.Rename("/data/a.tmp", "/data/a").ok());
  EXPECT_EQ(*w.disk.List("/data"), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(w.disk.Remove("/data/b").ok());
  EXPECT_EQ(w.disk.Remove("/data/b").code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(*w.disk.List("/data"), (std::vector<std::string>{"a"}));
}

}  // namespace
}  // namespace liminal::sim
