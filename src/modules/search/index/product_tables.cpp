#include "modules/search/index/product_tables.hpp"

namespace mercato::search {

std::shared_ptr<const ProductTable> ProductTables::at(Xapian::Database& db) {
    const auto revision = db.get_revision();
    std::unique_lock lock(mutex_);
    if (newest_ && newest_->revision() == revision) return newest_;
    if (newest_ && newest_->revision() > revision) {
        lock.unlock();
        return std::make_shared<const ProductTable>(db);
    }
    newest_ = std::make_shared<const ProductTable>(db);
    return newest_;
}

}  // namespace mercato::search
