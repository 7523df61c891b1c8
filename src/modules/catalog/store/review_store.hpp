// SQL over the catalog's reviews.
#pragma once

#include <string>

#include "modules/catalog/api/catalog.hpp"

namespace soci {
class session;
}

namespace mercato::catalog {

// Throws Problem 409 when the user has reviewed the product already (the unique index decides).
void insert_review(soci::session& session, const Review& review);
Page<Review> select_reviews(soci::session& session, const std::string& product_id, std::size_t limit, const std::string& cursor);

}  // namespace mercato::catalog
