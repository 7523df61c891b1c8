#include "boundary_check.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;
using mercato::arch::describe;
using mercato::arch::Violation;

const fs::path source_root{MERCATO_SOURCE_DIR};
const fs::path fixture_root{MERCATO_SOURCE_DIR "/tests/arch/fixtures/violating_tree"};

// "file:line" per violation, one a line: compared as a string so a failure
// prints both lists.
std::string locations(const std::vector<Violation>& violations) {
    std::string out;
    for (const auto& v : violations) out += v.file + ":" + std::to_string(v.line) + "\n";
    return out;
}

bool any_mentions(const std::vector<Violation>& violations, std::string_view needle) {
    return std::any_of(violations.begin(), violations.end(),
                       [&](const Violation& v) { return v.text.find(needle) != std::string::npos; });
}

// Guards the real-tree checks from passing vacuously on a wrong root.
void require_real_tree() { REQUIRE(fs::is_directory(source_root / "src")); }

}  // namespace

TEST_CASE("no file outside src/http includes Boost.Beast") {
    require_real_tree();
    const auto found = mercato::arch::beast_outside_http(source_root);
    CHECK_MESSAGE(found.empty(), "Beast included outside src/http:\n" << describe(found));
}

TEST_CASE("no module includes another module's internals, and kernel and http include no module") {
    require_real_tree();
    const auto found = mercato::arch::module_internals(source_root);
    CHECK_MESSAGE(found.empty(), "module boundary crossed by an include:\n" << describe(found));
}

TEST_CASE("no module's SQL names another module's schema") {
    require_real_tree();
    const auto found = mercato::arch::foreign_schema_sql(source_root);
    CHECK_MESSAGE(found.empty(), "SQL reaching into another module's schema:\n" << describe(found));
}

TEST_CASE("no module spells another module's topic: subscribers use the publisher's constant") {
    require_real_tree();
    const auto found = mercato::arch::foreign_topic_literals(source_root);
    CHECK_MESSAGE(found.empty(), "another module's topic spelled as a string:\n" << describe(found));
}

TEST_CASE("the Beast check flags includes outside src/http, in either spelling, but not in src/http or comments") {
    const auto found = mercato::arch::beast_outside_http(fixture_root);
    CHECK(locations(found) ==
          "src/kernel/bad_beast.cpp:2\n"
          "src/kernel/bad_beast.cpp:3\n");
    CHECK(std::all_of(found.begin(), found.end(), [](const Violation& v) { return v.rule == "beast-outside-http"; }));
}

TEST_CASE("the include check flags another module's internals, directly or by relative path, and any module include "
          "from the kernel") {
    const auto found = mercato::arch::module_internals(fixture_root);
    CHECK(locations(found) ==
          "src/kernel/bad_beast.cpp:4\n"
          "src/modules/alpha/http/routes.cpp:5\n"
          "src/modules/alpha/http/routes.cpp:6\n"
          "src/modules/alpha/http/routes.cpp:7\n");
    CHECK(std::all_of(found.begin(), found.end(), [](const Violation& v) { return v.rule == "module-internals"; }));
}

TEST_CASE("the include check allows a module to include another's api and its own insides") {
    const auto found = mercato::arch::module_internals(fixture_root);
    CHECK_FALSE(any_mentions(found, "modules/beta/api/beta.hpp"));
    CHECK_FALSE(any_mentions(found, "modules/alpha/domain/pricing.hpp"));
    CHECK_FALSE(any_mentions(found, "kernel/event_bus.hpp"));
}

TEST_CASE("the SQL check flags another module's schema in plain, raw, joined and quoted SQL and in migrations") {
    const auto found = mercato::arch::foreign_schema_sql(fixture_root);
    CHECK(locations(found) ==
          "migrations/alpha/0001_init.sql:4\n"
          "src/modules/alpha/store/alpha_store.cpp:14\n"
          "src/modules/alpha/store/alpha_store.cpp:22\n"
          "src/modules/alpha/store/alpha_store.cpp:28\n"
          "src/modules/alpha/store/alpha_store.cpp:32\n");
    CHECK(std::all_of(found.begin(), found.end(), [](const Violation& v) { return v.rule == "foreign-schema-sql"; }));
}

TEST_CASE("the SQL check ignores own-schema SQL, facade calls, topic names, quoted values and comments") {
    const auto found = mercato::arch::foreign_schema_sql(fixture_root);
    CHECK_FALSE(any_mentions(found, "alpha.items"));
    CHECK_FALSE(any_mentions(found, "alpha.outbox"));
    CHECK_FALSE(any_mentions(found, "catalog.reserve("));
    CHECK_FALSE(any_mentions(found, "orders.created"));
    CHECK_FALSE(any_mentions(found, "shipping.updated"));
    CHECK_FALSE(any_mentions(found, "--"));
    CHECK_FALSE(any_mentions(found, "/*"));
}

TEST_CASE("the topic check flags another module's topic as a plain, joined or raw literal") {
    const auto found = mercato::arch::foreign_topic_literals(fixture_root);
    CHECK(locations(found) ==
          "src/modules/alpha/follow_beta.cpp:9\n"
          "src/modules/alpha/follow_beta.cpp:10\n"
          "src/modules/alpha/follow_beta.cpp:12\n"
          "src/modules/alpha/http/routes.cpp:15\n"
          "src/modules/alpha/http/routes.cpp:16\n");
    CHECK(std::all_of(found.begin(), found.end(), [](const Violation& v) { return v.rule == "foreign-topic-literal"; }));
}

TEST_CASE("the topic check allows a module's own topics and group names, the publisher's constant, comments and prose") {
    const auto found = mercato::arch::foreign_topic_literals(fixture_root);
    CHECK_FALSE(any_mentions(found, "topic_shipped"));
    CHECK_FALSE(any_mentions(found, "alpha.shipments\", {beta"));
    CHECK_FALSE(any_mentions(found, "alpha.priced"));
    CHECK_FALSE(any_mentions(found, "alpha heard"));
    CHECK_FALSE(any_mentions(found, "in a comment"));
}

TEST_CASE("a tree without src reports no violations") {
    const auto empty = fixture_root / "migrations";
    CHECK(mercato::arch::beast_outside_http(empty).empty());
    CHECK(mercato::arch::module_internals(empty).empty());
    CHECK(mercato::arch::foreign_schema_sql(empty).empty());
    CHECK(mercato::arch::foreign_topic_literals(empty).empty());
}
