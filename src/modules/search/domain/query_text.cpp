#include "modules/search/domain/query_text.hpp"

#include "kernel/problem.hpp"

namespace mercato::search {

namespace {

// The length of the UTF-8 sequence starting at text[i], or 0 when it is not one (overlong forms,
// surrogates and code points past U+10FFFF included).
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t n = 0;
    char32_t cp = 0;
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) n = 2, cp = lead & 0x1F;
    else if (lead >= 0xE0 && lead <= 0xEF) n = 3, cp = lead & 0x0F;
    else if (lead >= 0xF0 && lead <= 0xF4) n = 4, cp = lead & 0x07;
    else return 0;
    if (i + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    const char32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

}  // namespace

std::string clean_query_text(std::string_view text) {
    std::string cleaned;
    cleaned.reserve(text.size());
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size();) {
        const auto n = sequence_length(text, i);
        if (n == 0) kernel::check_fields({{"q", "is not valid UTF-8"}});
        if (++chars > max_query_chars) kernel::check_fields({{"q", "must be at most 200 characters"}});
        const auto c = static_cast<unsigned char>(text[i]);
        // A newline or a NUL would only end a word; a parser never sees one.
        if (n == 1 && (c < 0x20 || c == 0x7F)) cleaned += ' ';
        else cleaned.append(text.substr(i, n));
        i += n;
    }
    if (cleaned.find_first_not_of(' ') == std::string::npos) cleaned.clear();
    return cleaned;
}

}  // namespace mercato::search
