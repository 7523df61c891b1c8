#include "modules/search/index/index_writer.hpp"

#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "modules/search/index/product_document.hpp"

namespace mercato::search {

namespace {

// Bumped whenever product_document changes what it writes: an index of an older format is rebuilt.
constexpr const char* index_format = "2";
constexpr const char* format_key = "mercato.format";
constexpr const char* position_key = "mercato.catalog-offset";

Xapian::Stem stemmer(const std::string& language) {
    try {
        return Xapian::Stem(language);
    } catch (const Xapian::InvalidArgumentError&) {
        throw std::runtime_error(fmt::format("search.language: no stemmer for '{}' (one of: none, {})", language,
                                             Xapian::Stem::get_available_languages()));
    }
}

Xapian::WritableDatabase open_index(const std::string& dir, const std::string& format, int sync_flag) {
    try {
        Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OPEN | sync_flag);
        if (db.get_metadata(format_key) == format) return db;
        if (db.get_doccount() > 0) spdlog::info("search index in {} is of another format or language: rebuilding it", dir);
    } catch (const Xapian::DatabaseLockError&) {
        throw std::runtime_error(fmt::format(
            "search index {} is open in another process: give each server copy its own [search] index_dir "
            "(MERCATO_SEARCH_INDEX_DIR)",
            dir));
    } catch (const Xapian::DatabaseCorruptError& e) {
        spdlog::warn("search index in {} is damaged ({}): rebuilding it", dir, e.get_msg());
    } catch (const Xapian::DatabaseVersionError& e) {
        spdlog::warn("search index in {} cannot be read ({}): rebuilding it", dir, e.get_msg());
    }
    Xapian::WritableDatabase db(dir, Xapian::DB_CREATE_OR_OVERWRITE | sync_flag);
    db.set_metadata(format_key, format);
    db.commit();
    return db;
}

}  // namespace

IndexWriter::IndexWriter(const std::string& dir, const std::string& language, bool sync)
    : db_(open_index(dir, fmt::format("{} {}", index_format, language), sync ? 0 : Xapian::DB_NO_SYNC)) {
    terms_.set_stemmer(stemmer(language));
    terms_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
    if (const auto text = db_.get_metadata(position_key); !text.empty()) position_ = std::stoll(text);
}

std::optional<Xapian::Document> IndexWriter::stored(const std::string& product_id) {
    const auto term = id_term(product_id);
    const auto it = db_.postlist_begin(term);
    if (it == db_.postlist_end(term)) return std::nullopt;
    return db_.get_document(*it);
}

void IndexWriter::count_words(const Xapian::Document& doc, bool add) {
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        const std::string& word = *t;
        if (!is_plain_word(word)) continue;
        if (add) db_.add_spelling(word);
        else db_.remove_spelling(word);
    }
}

void IndexWriter::upsert(const IndexedProduct& product) {
    if (const auto old = stored(product.id)) count_words(*old, false);
    const auto doc = product_document(product, terms_);
    count_words(doc, true);
    db_.replace_document(id_term(product.id), doc);
    dirty_ = true;
}

void IndexWriter::remove(const std::string& product_id) {
    const auto old = stored(product_id);
    if (!old) return;
    count_words(*old, false);
    db_.delete_document(id_term(product_id));
    dirty_ = true;
}

void IndexWriter::set_stock(const std::string& product_id, std::int64_t stock) {
    const auto old = stored(product_id);
    if (!old) return;  // deleted, or a change the index will learn with the product itself
    auto product = decode_indexed_product(old->get_value(product_slot));
    // Most changes (a sale) leave a product in stock: its document stays as it is.
    if ((product.stock > 0) == (stock > 0)) return;
    product.stock = stock;
    db_.replace_document(id_term(product_id), product_document(product, terms_));
    dirty_ = true;
}

std::vector<std::string> IndexWriter::product_ids() {
    std::vector<std::string> ids;
    for (auto t = db_.allterms_begin(id_prefix); t != db_.allterms_end(id_prefix); ++t) {
        ids.push_back((*t).substr(id_prefix.size()));
    }
    return ids;
}

void IndexWriter::set_position(std::int64_t offset) {
    db_.set_metadata(position_key, std::to_string(offset));
    position_ = offset;
    dirty_ = true;
}

bool IndexWriter::commit() {
    if (!dirty_) return false;
    db_.commit();
    dirty_ = false;
    return true;
}

}  // namespace mercato::search
