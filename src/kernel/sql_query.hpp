// A statement whose text grows with what a request brings (filters, cursors): text and bound values
// are appended together, so a value never ends up inside the SQL text. Runs as a one-time statement.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class row;
class session;
}  // namespace soci

namespace mercato::kernel {

class SqlQuery {
public:
    explicit SqlQuery(std::string_view text) : text_(text) {}

    SqlQuery& sql(std::string_view text);
    // Appends a placeholder for the value.
    SqlQuery& value(std::string value);
    SqlQuery& value(std::int64_t value);
    // A placeholder for the value, or NULL for none (an optional column).
    SqlQuery& nullable(const std::optional<std::string>& value);

    const std::string& text() const noexcept { return text_; }
    // Runs the query and hands each row to f, in order.
    void each_row(soci::session& session, const std::function<void(const soci::row&)>& f) const;
    // Runs a statement that returns no rows; returns how many rows it changed.
    std::size_t execute(soci::session& session) const;

private:
    std::size_t run(soci::session& session, const std::function<void(const soci::row&)>* each) const;

    enum class Kind { text, integer };
    std::string text_;
    std::deque<std::string> texts_;  // deques: bound values must not move once bound
    std::deque<long long> integers_;
    std::vector<Kind> order_;
};

}  // namespace mercato::kernel
