// Readers of a search index for concurrent searches: a Xapian database object serves one thread at
// a time, so each search borrows one, brought up to the newest commit first.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <xapian.h>

namespace mercato::search {

class ReaderPool {
public:
    explicit ReaderPool(std::string dir) : dir_(std::move(dir)) {}

    // Runs fn with a reader that sees every commit made before the call; once more on a fresh
    // reader if the writer's commits overtook the one it read.
    void with_reader(const std::function<void(Xapian::Database&)>& fn);
    // The writer committed: readers reopen before their next search.
    void committed() { ++generation_; }

private:
    struct Reader {
        Xapian::Database db;
        std::uint64_t generation = 0;
    };
    std::unique_ptr<Reader> borrow();
    void give_back(std::unique_ptr<Reader> reader);

    std::string dir_;
    std::atomic<std::uint64_t> generation_{1};
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reader>> idle_;
};

}  // namespace mercato::search
