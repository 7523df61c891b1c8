#include "kernel/sql_query.hpp"

#include <soci/soci.h>

namespace mercato::kernel {

SqlQuery& SqlQuery::sql(std::string_view text) {
    text_ += text;
    return *this;
}

SqlQuery& SqlQuery::value(std::string value) {
    text_ += ":p" + std::to_string(order_.size());
    texts_.push_back(std::move(value));
    order_.push_back(Kind::text);
    return *this;
}

SqlQuery& SqlQuery::nullable(const std::optional<std::string>& value) {
    return value ? this->value(*value) : sql("NULL");
}

SqlQuery& SqlQuery::value(std::int64_t value) {
    text_ += ":p" + std::to_string(order_.size());
    integers_.push_back(value);
    order_.push_back(Kind::integer);
    return *this;
}

std::size_t SqlQuery::run(soci::session& session, const std::function<void(const soci::row&)>* each) const {
    // A one-time statement: PostgreSQL runs it in one round trip (PQexecParams), where a prepared
    // one costs a PREPARE, an EXECUTE and a DEALLOCATE, which matters on the hot paths.
    soci::statement statement(session);
    statement.alloc();
    statement.prepare(text_, soci::details::st_one_time_query);
    soci::row row;
    if (each != nullptr) statement.exchange(soci::into(row));
    // SOCI binds by position: the values go in the order their placeholders appear.
    auto texts = texts_;
    auto integers = integers_;
    auto next_text = texts.begin();
    auto next_integer = integers.begin();
    for (const Kind kind : order_) {
        if (kind == Kind::text) {
            statement.exchange(soci::use(*next_text++));
        } else {
            statement.exchange(soci::use(*next_integer++));
        }
    }
    statement.define_and_bind();
    if (each == nullptr) {
        statement.execute(true);
        return static_cast<std::size_t>(statement.get_affected_rows());
    }
    std::size_t rows = 0;
    if (statement.execute(true)) {
        do {
            (*each)(row);
            ++rows;
        } while (statement.fetch());
    }
    return rows;
}

void SqlQuery::each_row(soci::session& session, const std::function<void(const soci::row&)>& f) const { run(session, &f); }

std::size_t SqlQuery::execute(soci::session& session) const { return run(session, nullptr); }

}  // namespace mercato::kernel
