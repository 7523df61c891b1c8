#include "kernel/ids.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using mercato::kernel::id_time;
using mercato::kernel::is_id;
using mercato::kernel::new_id;

TEST_CASE("a new id is the prefix, an underscore and 26 Crockford base32 characters") {
    const std::string id = new_id("ord");
    REQUIRE(id.size() == 4 + 26);
    CHECK(id.starts_with("ord_"));
    CHECK(id.substr(4).find_first_not_of("0123456789ABCDEFGHJKMNPQRSTVWXYZ") == std::string::npos);
    CHECK(id[4] <= '7');
    CHECK(is_id(id, "ord"));
}

TEST_CASE("ids made in a tight loop are strictly increasing") {
    std::string previous = new_id("prd");
    for (int i = 0; i < 10'000; ++i) {
        std::string next = new_id("prd");
        REQUIRE(previous < next);
        previous = std::move(next);
    }
}

TEST_CASE("a burst of ids within one millisecond does not run ahead of the clock") {
    std::string last;
    for (int i = 0; i < 10'000; ++i) last = new_id("prd");
    const auto made = id_time(last);
    REQUIRE(made);
    CHECK(*made <= std::chrono::system_clock::now());
}

TEST_CASE("ids made on four threads at once are all distinct") {
    constexpr std::size_t kThreads = 4;
    constexpr std::size_t kPerThread = 2'500;
    std::vector<std::vector<std::string>> made(kThreads);
    {
        std::vector<std::jthread> threads;
        for (auto& ids : made) {
            threads.emplace_back([&ids] {
                for (std::size_t i = 0; i < kPerThread; ++i) ids.push_back(new_id("pay"));
            });
        }
    }
    std::set<std::string> distinct;
    for (const auto& ids : made) distinct.insert(ids.begin(), ids.end());
    CHECK(distinct.size() == kThreads * kPerThread);
}

TEST_CASE("id_time gives the moment the id was made") {
    const auto before = std::chrono::system_clock::now();
    const auto made = id_time(new_id("ord"));
    REQUIRE(made);
    CHECK(*made > before - std::chrono::seconds(1));
    CHECK(*made < std::chrono::system_clock::now() + std::chrono::seconds(1));
}

TEST_CASE("id_time decodes the ULID timestamp exactly") {
    const auto made = id_time("usr_01ARYZ6S41TSV4RRFFQ69G5FAV");
    REQUIRE(made);
    CHECK(std::chrono::duration_cast<std::chrono::milliseconds>(made->time_since_epoch()).count() ==
          1469918176385);
}

TEST_CASE("id_time refuses what is not an id") {
    CHECK_FALSE(id_time(""));
    CHECK_FALSE(id_time("01ARYZ6S41TSV4RRFFQ69G5FAV"));
    CHECK_FALSE(id_time("usr_01ARYZ6S41TSV4RRFFQ69G5FA"));
    CHECK_FALSE(id_time("USR_01ARYZ6S41TSV4RRFFQ69G5FAV"));
    CHECK_FALSE(id_time("usr_81ARYZ6S41TSV4RRFFQ69G5FAV"));
}

TEST_CASE("is_id rejects a wrong prefix, length or alphabet") {
    const std::string good = "ord_01ARYZ6S41TSV4RRFFQ69G5FAV";
    REQUIRE(is_id(good, "ord"));
    CHECK(is_id("ord_7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "ord"));

    CHECK_FALSE(is_id(good, "prd"));
    CHECK_FALSE(is_id(good, "or"));
    CHECK_FALSE(is_id("ordx01ARYZ6S41TSV4RRFFQ69G5FAV", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FA", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FAVX", "ord"));
    CHECK_FALSE(is_id("ord_01aryz6s41tsv4rrffq69g5fav", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FAI", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FAL", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FAO", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FAU", "ord"));
    CHECK_FALSE(is_id("ord_01ARYZ6S41TSV4RRFFQ69G5FA-", "ord"));
    CHECK_FALSE(is_id("ord_81ARYZ6S41TSV4RRFFQ69G5FAV", "ord"));
}

TEST_CASE("an id prefix must be one to eight lower-case letters") {
    CHECK_THROWS_AS(new_id(""), std::invalid_argument);
    CHECK_THROWS_AS(new_id("Ord"), std::invalid_argument);
    CHECK_THROWS_AS(new_id("ord_"), std::invalid_argument);
    CHECK_THROWS_AS(new_id("ord1"), std::invalid_argument);
    CHECK_THROWS_AS(new_id("abcdefghi"), std::invalid_argument);
    CHECK(is_id(new_id("abcdefgh"), "abcdefgh"));
    CHECK(is_id(new_id("x"), "x"));
}
