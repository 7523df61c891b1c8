#include "modules/search/index/reader_pool.hpp"

namespace mercato::search {

namespace {

// Commits come at most every few hundred milliseconds, so a search overtaken twice in a row is
// already rare; one overtaken this often means the writer is misbehaving.
constexpr int max_attempts = 4;

}  // namespace

std::unique_ptr<ReaderPool::Reader> ReaderPool::borrow() {
    std::unique_ptr<Reader> reader;
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            reader = std::move(idle_.back());
            idle_.pop_back();
        }
    }
    const auto now = generation_.load();
    if (!reader) {
        reader = std::make_unique<Reader>(Reader{Xapian::Database(dir_), Xapian::QueryParser(), now});
        configure_(reader->parser);
        reader->parser.set_database(reader->db);
    } else if (reader->generation != now) {
        reader->db.reopen();
        reader->generation = now;
    }
    return reader;
}

void ReaderPool::give_back(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(reader));
}

void ReaderPool::with_reader(const std::function<void(Xapian::Database&, Xapian::QueryParser&)>& fn) {
    auto reader = borrow();
    struct GiveBack {
        ReaderPool& pool;
        std::unique_ptr<Reader>& reader;
        ~GiveBack() { pool.give_back(std::move(reader)); }
    } give_back{*this, reader};
    for (int attempt = 1;; ++attempt) {
        try {
            fn(reader->db, reader->parser);
            return;
        } catch (const Xapian::DatabaseModifiedError&) {
            // The revision it read was overwritten by later commits: read the newest one instead.
            if (attempt == max_attempts) throw;
            reader->db.reopen();
        }
    }
}

}  // namespace mercato::search
