#include "client/stream_id_allocator.h"

#include <set>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace liminal::client {
namespace {

TEST(StreamIdAllocatorTest, HandsOutOddIdsFromThree) {
  StreamIdAllocator streams;
  EXPECT_EQ(*streams.Next(), 3u);
  EXPECT_EQ(*streams.Next(), 5u);
  EXPECT_EQ(*streams.Next(), 7u);
}

TEST(StreamIdAllocatorTest, LastIdIsMaxThenExhausted) {
  StreamIdAllocator streams(0xFFFFFFFDu);
  EXPECT_EQ(*streams.Next(), 0xFFFFFFFDu);
  EXPECT_EQ(*streams.Next(), 0xFFFFFFFFu);
  absl::StatusOr<uint32_t> next = streams.Next();
  EXPECT_EQ(next.status().code(), absl::StatusCode::kResourceExhausted);
  // Stays exhausted; never wraps around to reuse ids.
  EXPECT_EQ(streams.Next().status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(StreamIdAllocatorTest, ConcurrentCallersGetDistinctIds) {
  StreamIdAllocator streams;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 1000;
  std::vector<std::vector<uint32_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(*streams.Next());
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<uint32_t> all;
  for (const auto& list : ids) {
    for (uint32_t id : list) {
      EXPECT_EQ(id % 2, 1u);
      all.insert(id);
    }
  }
  EXPECT_EQ(all.size(), size_t{kThreads * kPerThread});
}

}  // namespace
}  // namespace liminal::client
