// Groups the write transactions waiting for one SQLite file into one durable commit (DESIGN rule 5):
// each caller's work runs in a savepoint of its own, and every caller returns only after the shared
// COMMIT, so batching buys throughput without weakening what an acknowledged write means.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

#include "kernel/database.hpp"

namespace mercato::kernel {

class GroupCommit {
public:
    struct Job {
        const SessionFn* work;
        std::exception_ptr error;  // this caller's failure; the others' work is unaffected
        bool done = false;
    };
    // Runs a batch in one transaction, setting each job's error; throws when the transaction as a
    // whole failed (BEGIN or COMMIT), which then fails every job that had not failed by itself.
    using BatchRunner = std::function<void(std::vector<Job*>& batch)>;

    explicit GroupCommit(std::size_t max_batch) : max_batch_(max_batch) {}

    // Blocks until the transaction holding fn has committed; rethrows fn's error, or the batch's.
    void run(const SessionFn& fn, const BatchRunner& run_batch);

private:
    const std::size_t max_batch_;
    std::mutex mutex_;
    std::condition_variable finished_;
    std::vector<Job*> waiting_;
    bool leader_busy_ = false;
};

}  // namespace mercato::kernel
