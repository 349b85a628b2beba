#include "thread-pool.h"

#include <cblas.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace native {
namespace {

// One parallelFor call. Workers take chunks from `next`; the caller waits only until every
// chunk is finished, never for a worker to wake up: on a busy machine a sleeping worker may
// not run for a whole scheduler slice, and the caller then simply does all the chunks itself.
struct Job {
  const std::function<void(std::size_t, std::size_t)>* body;
  std::size_t count;
  std::size_t chunk;
  std::size_t chunks;
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> finished{0};

  // Runs chunks until none is left.
  void drain() {
    for (;;) {
      std::size_t index = next.fetch_add(1);
      if (index >= chunks) return;
      std::size_t begin = index * chunk;
      (*body)(begin, std::min(count, begin + chunk));
      finished.fetch_add(1, std::memory_order_release);
    }
  }
};

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
    auto job = std::make_shared<Job>();
    job->body = &body;
    job->count = count;
    job->chunk = chunk;
    job->chunks = (count + chunk - 1) / chunk;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_ = job;
      ++generation_;
    }
    wake_.notify_all();
    job->drain();
    // The remaining chunks were claimed by workers that are running them now.
    while (job->finished.load(std::memory_order_acquire) < job->chunks) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(mutex_);
    if (current_ == job) current_.reset();
  }

 private:
  void workerLoop() {
    std::uint64_t seen = 0;
    for (;;) {
      std::shared_ptr<Job> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
        job = current_;
      }
      // A job that ended before this worker woke has no chunks left; drain returns at once.
      if (job) job->drain();
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
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t generation_ = 0;
  std::shared_ptr<Job> current_;
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

void parallelForSerialBlas(std::size_t count, std::size_t minChunk,
                           const std::function<void(std::size_t, std::size_t)>& body) {
  const bool spread = count > std::max<std::size_t>(1, minChunk) && poolThreads() > 1;
  if (!spread) {
    body(0, count);
    return;
  }
  const int blasThreads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  parallelFor(count, minChunk, body);
  openblas_set_num_threads(blasThreads);
}

int poolThreads() { return pool().threads(); }

void setPoolThreads(int threads) { pool().resize(std::max(1, threads)); }

}  // namespace native
