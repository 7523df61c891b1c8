// Readers of a search index for concurrent searches. Xapian objects are not safe to share between
// threads, not even to copy (their reference counts are plain integers), so each search borrows a
// reader of its own: a database handle brought up to the newest commit, and its own query parser.
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
    // configure sets up each reader's parser (stemmer, default operator...); it makes fresh objects
    // for each call rather than sharing one.
    ReaderPool(std::string dir, std::function<void(Xapian::QueryParser&)> configure)
        : dir_(std::move(dir)), configure_(std::move(configure)) {}

    // Runs fn with a reader that sees every commit made before the call; again on a fresh revision
    // if the writer's commits overtook the one it read.
    void with_reader(const std::function<void(Xapian::Database&, Xapian::QueryParser&)>& fn);
    // The writer committed: readers reopen before their next search.
    void committed() { ++generation_; }
    // Changes with every commit; a reader borrowed after reading it sees that commit at least.
    std::uint64_t generation() const { return generation_.load(); }

private:
    struct Reader {
        Xapian::Database db;
        Xapian::QueryParser parser;
        std::uint64_t generation = 0;
    };
    std::unique_ptr<Reader> borrow();
    void give_back(std::unique_ptr<Reader> reader);

    std::string dir_;
    std::function<void(Xapian::QueryParser&)> configure_;
    std::atomic<std::uint64_t> generation_{1};
    std::mutex mutex_;
    std::vector<std::unique_ptr<Reader>> idle_;
};

}  // namespace mercato::search
