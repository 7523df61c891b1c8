#include "modules/search/index/reader_pool.hpp"

namespace mercato::search {

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
    if (!reader) return std::make_unique<Reader>(Reader{Xapian::Database(dir_), now});
    if (reader->generation != now) {
        reader->db.reopen();
        reader->generation = now;
    }
    return reader;
}

void ReaderPool::give_back(std::unique_ptr<Reader> reader) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(reader));
}

void ReaderPool::with_reader(const std::function<void(Xapian::Database&)>& fn) {
    auto reader = borrow();
    struct GiveBack {
        ReaderPool& pool;
        std::unique_ptr<Reader>& reader;
        ~GiveBack() { pool.give_back(std::move(reader)); }
    } give_back{*this, reader};
    try {
        fn(reader->db);
    } catch (const Xapian::DatabaseModifiedError&) {
        // The revision it read was overwritten by later commits: read the newest one instead.
        reader->db.reopen();
        fn(reader->db);
    }
}

}  // namespace mercato::search
