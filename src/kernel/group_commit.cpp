#include "kernel/group_commit.hpp"

#include <algorithm>

namespace mercato::kernel {

void GroupCommit::run(const SessionFn& fn, const BatchRunner& run_batch) {
    Job job{&fn, nullptr, false};
    std::unique_lock lock(mutex_);
    waiting_.push_back(&job);
    // Leader and followers: whoever finds no batch running takes everything waiting (its own job
    // among it) and commits it; the others sleep until their job is done, or it is their turn to lead.
    while (!job.done) {
        if (leader_busy_) {
            finished_.wait(lock);
            continue;
        }
        leader_busy_ = true;
        const auto take = std::min(waiting_.size(), max_batch_);
        std::vector<Job*> batch(waiting_.begin(), waiting_.begin() + static_cast<std::ptrdiff_t>(take));
        waiting_.erase(waiting_.begin(), waiting_.begin() + static_cast<std::ptrdiff_t>(take));
        lock.unlock();
        try {
            run_batch(batch);
        } catch (...) {
            for (Job* j : batch) {
                if (!j->error) j->error = std::current_exception();
            }
        }
        lock.lock();
        for (Job* j : batch) j->done = true;
        leader_busy_ = false;
        finished_.notify_all();
    }
    if (job.error) std::rethrow_exception(job.error);
}

}  // namespace mercato::kernel
