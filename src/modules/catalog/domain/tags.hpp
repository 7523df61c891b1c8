// Product tags and category slugs: how free text from an admin becomes the keys listings filter on.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mercato::catalog {

inline constexpr std::size_t max_tag_length = 40;
inline constexpr std::size_t max_tags = 20;
inline constexpr std::size_t max_slug_length = 60;

// "Gift Idea" → "gift-idea": lower case, letters, digits and single hyphens. nullopt when nothing of
// the text is left, or when the result is longer than max_length.
std::optional<std::string> slugify(std::string_view text, std::size_t max_length);
// True for text slugify would leave as it is.
bool is_slug(std::string_view text, std::size_t max_length);

// Tags are stored beside the product as one comma-joined column (slugs hold no comma).
std::string join_tags(const std::vector<std::string>& tags);
std::vector<std::string> split_tags(std::string_view joined);

}  // namespace mercato::catalog
