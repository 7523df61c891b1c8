#include "modules/search/api/search.hpp"

#include <cstdlib>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <xapian.h>

#include "kernel/bus/bus.hpp"
#include "kernel/periodic_task.hpp"
#include "modules/catalog/api/events.hpp"
#include "modules/search/domain/query_text.hpp"
#include "modules/search/index/index_folder.hpp"
#include "modules/search/index/index_writer.hpp"
#include "modules/search/index/match_cache.hpp"
#include "modules/search/index/matching.hpp"
#include "modules/search/index/narrowed_search.hpp"
#include "modules/search/index/product_tables.hpp"
#include "modules/search/index/reader_pool.hpp"

namespace mercato::search {

namespace {

// Catalog pages read per hold of the writer during a rebuild: live changes wait at most one page.
constexpr std::size_t rebuild_page = 500;
// Prefix completions tried for the last word as it is being typed, the most frequent first.
constexpr Xapian::termcount prefix_expansions = 50;
constexpr auto commit_interval = std::chrono::milliseconds(1'000);
// Commits are at least this far apart, however fast changes come: each costs a flush to disk, and
// readers must move to the new revision before the writer overwrites the one they read.
constexpr auto commit_gap = std::chrono::milliseconds(200);
constexpr auto reindex_interval = std::chrono::minutes(10);
// Matches kept for searches to come (MatchCache), over all their sets: about 16 bytes each.
constexpr std::size_t kept_matches = 250'000;

// Runs f with Xapian's errors turned into std::runtime_error: they are not std::exceptions, so the
// bus, the periodic tasks and the HTTP pipeline would see an unknown failure, or none at all.
template <class F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Xapian::Error& e) {
        throw std::runtime_error("search index: " + e.get_description());
    }
}

long long since(std::chrono::steady_clock::time_point started) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
}

// text is in lower case: the parser leaves a capitalised word unstemmed, and "Lamps" should find a lamp.
Xapian::Query parse_words(Xapian::QueryParser& parser, const std::string& text) {
    try {
        return parser.parse_query(text, Xapian::QueryParser::FLAG_PARTIAL | Xapian::QueryParser::FLAG_PHRASE |
                                            Xapian::QueryParser::FLAG_LOVEHATE);
    } catch (const Xapian::QueryParserError&) {
        // Operators that make no sense (a lone minus, a stray quote) are read as plain words instead.
        return parser.parse_query(text, Xapian::QueryParser::FLAG_PARTIAL);
    }
}

// The text with each word the catalog does not hold replaced by the closest one it does, if any.
// The last word is corrected too, which the prefix matching of parse_words leaves alone.
std::optional<std::string> corrected(Xapian::QueryParser& parser, const std::string& text) {
    try {
        parser.parse_query(text, Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
    } catch (const Xapian::QueryParserError&) {
        return std::nullopt;
    }
    auto suggestion = parser.get_corrected_query_string();
    if (suggestion.empty() || suggestion == text) return std::nullopt;
    return suggestion;
}

}  // namespace

struct Search::Impl {
    Impl(catalog::Catalog& c, SearchSettings s)
        : catalog(c),
          settings(std::move(s)),
          folder(settings.index_dir),
          writer(folder.str(), settings.language, !folder.temporary()),
          readers(folder.str(), [language = settings.language](Xapian::QueryParser& parser) {
              parser.set_stemmer(Xapian::Stem(language));
              parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
              parser.set_default_op(Xapian::Query::OP_AND);
              parser.set_max_expansion(prefix_expansions, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
                                       Xapian::QueryParser::FLAG_PARTIAL);
          }),
          committer("making search index changes searchable", commit_interval, [this] { guarded([this] { commit_soon(); }); }),
          reindexer("reindexing products for search", reindex_interval, [this] { guarded([this] { run_requested_reindex(); }); }) {}

    void commit() {
        std::lock_guard lock(writer_mutex);
        commit_held();
    }

    // commit() with writer_mutex held.
    void commit_held() {
        if (!writer.commit()) return;
        readers.committed();
        last_commit = std::chrono::steady_clock::now();
    }

    // The committer's run: changes wait for the gap since the last commit, then become searchable.
    void commit_soon() {
        const auto due = [&] {
            std::lock_guard lock(writer_mutex);
            return last_commit + commit_gap;
        }();
        std::this_thread::sleep_until(due);
        commit();
    }

    void apply(const kernel::bus::Envelope& event) {
        const auto payload = nlohmann::json::parse(event.payload);
        {
            std::lock_guard lock(writer_mutex);
            if (event.topic == catalog::topic_stock_changed) {
                writer.set_stock(event.key, payload.at("stock").get<std::int64_t>());
            } else if (payload.at("change") == "deleted") {
                writer.remove(event.key);
            } else {
                writer.upsert(indexed_product(payload.at("product")));
            }
            if (event.offset > writer.position().value_or(0)) writer.set_position(event.offset);
        }
        committer.wake();
    }

    // Where the index stands in the catalog's log, building it from the catalog first when it was
    // never built, when it is ahead of the log (the catalog's database was replaced), or when the
    // events it missed are gone from the log (this copy was down for longer than the retention).
    std::int64_t resume_after(kernel::bus::Bus& bus, const std::string& source) {
        const auto head = bus.head(source);
        const auto at = [&] {
            std::lock_guard lock(writer_mutex);
            return writer.position();
        }();
        if (!at) {
            spdlog::info("building the search index");
        } else if (*at > head) {
            spdlog::info("search index is ahead of the catalog's log: rebuilding it");
        } else if (*at < bus.pruned_through(source)) {
            spdlog::info("search index missed events no longer in the catalog's log: rebuilding it");
        } else {
            return *at;
        }
        const auto started = std::chrono::steady_clock::now();
        const auto products = reindex_all(head);
        spdlog::info("search index built: {} products in {} ms", products, since(started));
        return head;
    }

    // Every product of the catalog into the index, the ones gone out of it; position, when given,
    // is recorded with the result.
    std::size_t reindex_all(std::optional<std::int64_t> position) {
        std::unordered_set<std::string> gone;
        {
            std::lock_guard lock(writer_mutex);
            for (auto& id : writer.product_ids()) gone.insert(std::move(id));
        }
        catalog::ProductQuery q;
        q.limit = rebuild_page;
        std::size_t read = 0;
        for (;;) {
            std::lock_guard lock(writer_mutex);
            const auto page = catalog.products(q);
            for (const auto& p : page.items) {
                writer.upsert(indexed_product(p));
                gone.erase(p.id);
            }
            read += page.items.size();
            if (!page.next_cursor) break;
            q.cursor = *page.next_cursor;
            // Xapian holds every change in memory until a commit: a whole catalog's worth was most of
            // the server's peak memory. A page committed is searchable already, as a live change is.
            commit_held();
        }
        std::lock_guard lock(writer_mutex);
        for (const auto& id : gone) writer.remove(id);
        if (position) writer.set_position(*position);
        commit_held();
        return read;
    }

    std::size_t reindex_some(const std::vector<std::string>& ids) {
        std::size_t read = 0;
        for (const auto& id : ids) {
            std::lock_guard lock(writer_mutex);
            try {
                writer.upsert(indexed_product(catalog.product(id)));
                ++read;
            } catch (const kernel::Problem& e) {
                if (e.status() != 404) throw;
                writer.remove(id);
            }
        }
        commit();
        return read;
    }

    void run_requested_reindex() {
        bool all = false;
        std::vector<std::string> ids;
        {
            std::lock_guard lock(request_mutex);
            all = std::exchange(requested_all, false);
            ids.assign(requested_ids.begin(), requested_ids.end());
            requested_ids.clear();
        }
        if (!all && ids.empty()) return;
        const auto started = std::chrono::steady_clock::now();
        const auto read = all ? reindex_all(std::nullopt) : reindex_some(ids);
        spdlog::info("search reindex: {} products in {} ms", read, since(started));
    }

    SearchResult search(const SearchQuery& q) {
        const auto text = Xapian::Unicode::tolower(clean_query_text(q.text));
        const auto key = MatchCache::key(text, q);
        SearchResult result;
        readers.with_reader([&](Xapian::Database& db, Xapian::QueryParser& parser) {
            const auto table = tables.at(db);
            auto matches = match_cache.find(table->revision(), key);
            if (!matches) {
                // Query(""), not the shared Query::MatchAll, whose reference count other threads bump too.
                const auto words = text.empty() ? Xapian::Query(std::string()) : parse_words(parser, text);
                // Nothing searchable was typed (only punctuation, say): nothing matches.
                if (words.empty()) {
                    result = {};
                    return;
                }
                matches = whole_match(db, words, q);
                if (!matches) {
                    result = matched_with_filters(db, words, q, *table, !text.empty());
                    return;
                }
                match_cache.store(table->revision(), key, matches);
            }
            result = narrowed_search(*matches, *table, q, !text.empty());
            if (result.total == 0 && !text.empty()) result.did_you_mean = corrected(parser, text);
        });
        return result;
    }

    catalog::Catalog& catalog;
    SearchSettings settings;
    IndexFolder folder;
    std::mutex writer_mutex;
    IndexWriter writer;
    std::chrono::steady_clock::time_point last_commit;
    ReaderPool readers;
    ProductTables tables;
    MatchCache match_cache{kept_matches};
    std::mutex request_mutex;
    bool requested_all = false;
    std::set<std::string> requested_ids;
    kernel::PeriodicTask committer;
    kernel::PeriodicTask reindexer;
};

Search::Search(catalog::Catalog& catalog, SearchSettings settings)
    : impl_(guarded([&] { return std::make_unique<Impl>(catalog, std::move(settings)); })) {}

Search::~Search() = default;

SearchResult Search::search(const SearchQuery& query) {
    return guarded([&] { return impl_->search(query); });
}

std::uint64_t Search::revision() const { return impl_->readers.generation(); }

void Search::follow(kernel::bus::Bus& bus) {
    bus.subscribe_local({"search.index",
                         {catalog::topic_product_updated, catalog::topic_stock_changed},
                         [this](const kernel::bus::Envelope& event) { guarded([&] { impl_->apply(event); }); },
                         [this, &bus](const std::string& source) {
                             return guarded([&] { return impl_->resume_after(bus, source); });
                         }});
}

std::size_t Search::reindex(const std::optional<std::vector<std::string>>& product_ids) {
    return guarded([&] { return product_ids ? impl_->reindex_some(*product_ids) : impl_->reindex_all(std::nullopt); });
}

void Search::request_reindex(const std::optional<std::vector<std::string>>& product_ids) {
    {
        std::lock_guard lock(impl_->request_mutex);
        if (product_ids) impl_->requested_ids.insert(product_ids->begin(), product_ids->end());
        else impl_->requested_all = true;
    }
    impl_->reindexer.wake();
}

void Search::start() {
    impl_->committer.start();
    impl_->reindexer.start();
}

void Search::stop() {
    impl_->reindexer.stop();
    impl_->committer.stop();
    guarded([&] { impl_->commit(); });
}

std::size_t Search::document_count() {
    return guarded([&] {
        std::size_t count = 0;
        impl_->readers.with_reader([&](Xapian::Database& db, Xapian::QueryParser&) { count = db.get_doccount(); });
        return count;
    });
}

}  // namespace mercato::search
