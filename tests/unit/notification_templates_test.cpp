// The notification templates: the built-in set in English and German, rendering with escaping and
// language fallback, and an override folder, whose every mistake is refused at start-up by file name.
#include "modules/notifications/templates/template_catalog.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "kernel/config.hpp"
#include "support/test_paths.hpp"

using mercato::kernel::ConfigError;
using mercato::notifications::Rendered;
using mercato::notifications::TemplateCatalog;
using mercato::notifications::html_escape;
using mercato::notifications::template_variables;
using mercato::test::TempDir;

namespace {

void write_file(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    REQUIRE(out.good());
}

// A distinct, HTML-safe value for every variable of kind: "<variable>-value".
std::map<std::string, std::string> sample_values(const std::string& kind) {
    std::map<std::string, std::string> values;
    for (const std::string& variable : template_variables().at(kind)) values[variable] = variable + "-value";
    return values;
}

bool contains(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }

// The message TemplateCatalog gives for dir, or "" when it loads.
std::string refusal(const TempDir& dir) {
    try {
        TemplateCatalog catalog(dir.str(), "en");
    } catch (const ConfigError& e) {
        return e.what();
    }
    return {};
}

std::string file_in(const TempDir& dir, std::string_view rel) { return (dir.path() / rel).string(); }

}  // namespace

TEST_CASE("the built-in templates load and have every kind in English and in German") {
    const TemplateCatalog catalog("", "en");
    CHECK(catalog.has_language("en"));
    CHECK(catalog.has_language("de"));
    for (const auto& [kind, variables] : template_variables()) {
        CAPTURE(kind);
        const Rendered en = catalog.render(kind, "en", sample_values(kind));
        const Rendered de = catalog.render(kind, "de", sample_values(kind));
        CHECK_FALSE(en.subject.empty());
        CHECK_FALSE(en.html.empty());
        CHECK(de.text != en.text);
        CHECK(de.html != en.html);
    }
}

TEST_CASE("every variable a kind provides is filled into its subject or text, and into its HTML") {
    const TemplateCatalog catalog("", "en");
    for (const auto& [kind, variables] : template_variables()) {
        for (const std::string language : {"en", "de"}) {
            const Rendered rendered = catalog.render(kind, language, sample_values(kind));
            for (const std::string& variable : variables) {
                CAPTURE(kind);
                CAPTURE(language);
                CAPTURE(variable);
                CHECK(contains(rendered.subject + rendered.text, variable + "-value"));
                CHECK(contains(rendered.html, variable + "-value"));
            }
            CHECK_FALSE(contains(rendered.subject + rendered.text + rendered.html, "{{"));
        }
    }
}

TEST_CASE("values are HTML-escaped in the HTML part and inserted as they are in the text part") {
    const TemplateCatalog catalog("", "en");
    auto values = sample_values("welcome");
    values["name"] = "<script>alert('Tom & \"Jerry\"')</script>";
    const Rendered rendered = catalog.render("welcome", "en", values);
    CHECK(contains(rendered.text, "Hello <script>alert('Tom & \"Jerry\"')</script>,"));
    CHECK(contains(rendered.html, "&lt;script&gt;alert(&#39;Tom &amp; &quot;Jerry&quot;&#39;)&lt;/script&gt;"));
    CHECK_FALSE(contains(rendered.html, "<script>"));
}

TEST_CASE("html_escape replaces & < > \" and ' and leaves other text alone") {
    CHECK(html_escape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &#39; f");
    CHECK(html_escape("Grüße, 100%") == "Grüße, 100%");
}

TEST_CASE("line breaks in a value become spaces in the subject, so a value cannot add a mail header") {
    const TemplateCatalog catalog("", "en");
    auto values = sample_values("message");
    values["subject"] = "Your order\r\nBcc: someone@example.com";
    values["body"] = "First line.\nSecond line.";
    const Rendered rendered = catalog.render("message", "en", values);
    CHECK(rendered.subject == "Your order  Bcc: someone@example.com");
    CHECK(contains(rendered.text, "First line.\nSecond line."));
}

TEST_CASE("a German render uses the German templates") {
    const TemplateCatalog catalog("", "en");
    const Rendered rendered = catalog.render(
        "order_shipped", "de",
        {{"name", "Frau Müller"}, {"order_id", "ord_1"}, {"carrier", "DHL"}, {"tracking_number", "JJD0001"}, {"shop", "Laden"}});
    CHECK(rendered.subject == "Ihre Bestellung ord_1 wurde versandt");
    CHECK(contains(rendered.text, "Guten Tag Frau Müller,"));
    CHECK(contains(rendered.text, "Sendungsnummer:"));
    CHECK(contains(rendered.text, "JJD0001"));
    CHECK(contains(rendered.html, "<html lang=\"de\">"));
}

TEST_CASE("a language without templates falls back to the default language") {
    const TemplateCatalog english("", "en");
    CHECK_FALSE(english.has_language("fr"));
    CHECK(english.render("welcome", "fr", sample_values("welcome")).text ==
          english.render("welcome", "en", sample_values("welcome")).text);

    const TemplateCatalog german("", "de");
    CHECK(german.render("welcome", "fr", sample_values("welcome")).subject == "Willkommen bei shop-value");
}

TEST_CASE("a default language without templates is refused at start-up") {
    CHECK_THROWS_WITH_AS(TemplateCatalog("", "fr"), doctest::Contains("'fr'"), ConfigError);
}

TEST_CASE("rendering without a value for one of the kind's variables, or an unknown kind, is a programming error") {
    const TemplateCatalog catalog("", "en");
    auto values = sample_values("order_shipped");
    values.erase("carrier");
    CHECK_THROWS_AS(catalog.render("order_shipped", "en", values), std::invalid_argument);
    CHECK_THROWS_AS(catalog.render("order_lost", "en", sample_values("welcome")), std::invalid_argument);
}

TEST_CASE("a file in the override folder replaces the built-in one of the same name, and only that one") {
    TempDir dir;
    write_file(dir.path() / "en" / "welcome.subject", "Hi {{ name }}, welcome aboard\n");
    const TemplateCatalog catalog(dir.str(), "en");
    const Rendered en = catalog.render("welcome", "en", sample_values("welcome"));
    CHECK(en.subject == "Hi name-value, welcome aboard");
    CHECK(contains(en.text, "Welcome to shop-value!"));
    CHECK(catalog.render("welcome", "de", sample_values("welcome")).subject == "Willkommen bei shop-value");
}

TEST_CASE("an override folder can add a language, which falls back to the default for kinds it lacks") {
    TempDir dir;
    write_file(dir.path() / "fr" / "welcome.subject", "Bienvenue chez {{shop}}");
    write_file(dir.path() / "fr" / "welcome.txt", "Bonjour {{name}},\n");
    const TemplateCatalog catalog(dir.str(), "en");
    CHECK(catalog.has_language("fr"));
    const Rendered welcome = catalog.render("welcome", "fr", sample_values("welcome"));
    CHECK(welcome.subject == "Bienvenue chez shop-value");
    CHECK(welcome.html.empty());
    CHECK(catalog.render("order_delivered", "fr", sample_values("order_delivered")).subject ==
          "Your order order_id-value has been delivered");
}

TEST_CASE("hidden files in the override folder are ignored") {
    TempDir dir;
    write_file(dir.path() / ".DS_Store", "binary junk");
    write_file(dir.path() / "en" / ".welcome.txt.swp", "{{unclosed");
    CHECK(refusal(dir).empty());
}

TEST_CASE("a template naming a variable its kind does not provide is refused, naming the file and the variables") {
    TempDir dir;
    write_file(dir.path() / "en" / "order_shipped.txt", "Track it: {{tracking}}\n");
    CHECK(refusal(dir) == "{{tracking}} in " + file_in(dir, "en/order_shipped.txt") +
                              ": order_shipped provides name, order_id, carrier, tracking_number, shop");
}

TEST_CASE("an unclosed {{ is refused, naming the file and the line") {
    TempDir dir;
    write_file(dir.path() / "de" / "welcome.html", "<!DOCTYPE html>\n<p>Hallo {{name</p>\n");
    CHECK(refusal(dir) == "unclosed {{ in " + file_in(dir, "de/welcome.html") + " on line 2");
}

TEST_CASE("a kind without its .txt is refused, naming the missing file") {
    TempDir dir;
    write_file(dir.path() / "fr" / "welcome.subject", "Bienvenue chez {{shop}}\n");
    const std::string message = refusal(dir);
    CHECK(contains(message, file_in(dir, "fr/welcome.txt")));
}

TEST_CASE("a subject of more than one line is refused, naming the file; the file's final line break is allowed") {
    TempDir dir;
    write_file(dir.path() / "en" / "welcome.subject", "Welcome\nto {{shop}}\n");
    CHECK(refusal(dir) == "line break in " + file_in(dir, "en/welcome.subject") + ": a subject is one line");

    write_file(dir.path() / "en" / "welcome.subject", "Welcome to {{shop}}\r\n");
    CHECK(refusal(dir).empty());
}

TEST_CASE("a file that is not a known kind's part is refused, naming it") {
    for (const std::string rel : {"en/welcom.txt", "en/welcome.md", "welcome.txt", "en/extra/welcome.txt"}) {
        CAPTURE(rel);
        TempDir dir;
        write_file(dir.path() / rel, "Hello\n");
        const std::string message = refusal(dir);
        CHECK(contains(message, "unknown template file " + file_in(dir, rel)));
    }
}
