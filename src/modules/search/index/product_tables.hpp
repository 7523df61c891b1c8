// The product table of the newest revision searched, shared by every search at that revision and
// read again only when a commit has moved the index on.
#pragma once

#include <memory>
#include <mutex>

#include <xapian.h>

#include "modules/search/index/product_table.hpp"

namespace mercato::search {

class ProductTables {
public:
    // The table of db's revision: the kept one, or one read now and kept. A reader still at an older
    // revision than the kept table's (it was borrowed just before a commit) gets one of its own.
    std::shared_ptr<const ProductTable> at(Xapian::Database& db);

private:
    std::mutex mutex_;  // held while a table is read, so the searches that need it wait for one reading
    std::shared_ptr<const ProductTable> newest_;
};

}  // namespace mercato::search
