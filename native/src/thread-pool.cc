#include "thread-pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace native {
namespace {

class Pool {
 public:
  Pool() {
    int threads = static_cast<int>(std::thread::hardware_concurrency());
    if (const char* configured = std::getenv("SWE_SRL_NATIVE_THREADS")) {
      int value = std::atoi(configured);
      if (value > 0) threads = value;
    }
    resize(std::max(1, threads));
  }

  ~Pool() { stopWorkers(); }

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int threads) {
    stopWorkers();
    stopping_ = false;
    for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { workerLoop(); });
  }

  void run(std::size_t count, std::size_t chunk,
           const std::function<void(std::size_t, std::size_t)>& body) {
    std::lock_guard<std::mutex> runLock(runMutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      body_ = &body;
      count_ = count;
      chunk_ = chunk;
      next_.store(0);
      busy_.store(static_cast<int>(workers_.size()));
      ++generation_;
    }
    wake_.notify_all();
    drain();
    // The workers finish their last chunk, then report; spinning is cheap here because the
    // whole range is already claimed.
    while (busy_.load(std::memory_order_acquire) > 0) std::this_thread::yield();
    body_ = nullptr;
  }

 private:
  void drain() {
    for (;;) {
      std::size_t begin = next_.fetch_add(chunk_);
      if (begin >= count_) return;
      (*body_)(begin, std::min(count_, begin + chunk_));
    }
  }

  void workerLoop() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
      drain();
      busy_.fetch_sub(1, std::memory_order_release);
    }
  }

  void stopWorkers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::mutex runMutex_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t generation_ = 0;
  const std::function<void(std::size_t, std::size_t)>* body_ = nullptr;
  std::size_t count_ = 0;
  std::size_t chunk_ = 1;
  std::atomic<std::size_t> next_{0};
  std::atomic<int> busy_{0};
};

Pool& pool() {
  static Pool instance;
  return instance;
}

}  // namespace

void parallelFor(std::size_t count, std::size_t minChunk,
                 const std::function<void(std::size_t, std::size_t)>& body) {
  if (count == 0) return;
  Pool& workers = pool();
  std::size_t threads = static_cast<std::size_t>(workers.threads());
  minChunk = std::max<std::size_t>(1, minChunk);
  if (threads == 1 || count <= minChunk) {
    body(0, count);
    return;
  }
  // Two chunks per thread evens out a thread that starts late.
  std::size_t chunk = std::max(minChunk, (count + 2 * threads - 1) / (2 * threads));
  workers.run(count, chunk, body);
}

int poolThreads() { return pool().threads(); }

void setPoolThreads(int threads) { pool().resize(std::max(1, threads)); }

}  // namespace native
