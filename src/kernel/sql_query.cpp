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

SqlQuery& SqlQuery::value(std::int64_t value) {
    text_ += ":p" + std::to_string(order_.size());
    integers_.push_back(value);
    order_.push_back(Kind::integer);
    return *this;
}

void SqlQuery::each_row(soci::session& session, const std::function<void(const soci::row&)>& f) const {
    // SOCI binds by position: the values go in the order their placeholders appear.
    auto texts = texts_;
    auto integers = integers_;
    auto next_text = texts.begin();
    auto next_integer = integers.begin();
    soci::details::prepare_temp_type prepared = (session.prepare << text_);
    for (const Kind kind : order_) {
        if (kind == Kind::text) {
            prepared, soci::use(*next_text++);
        } else {
            prepared, soci::use(*next_integer++);
        }
    }
    soci::rowset<soci::row> rows(prepared);
    for (const auto& row : rows) f(row);
}

}  // namespace mercato::kernel
