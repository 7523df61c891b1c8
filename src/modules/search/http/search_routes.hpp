// The /v1/search routes: product search for anyone, and an admin's request to reindex.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::search {

class AnswerCache;
class Search;

void register_search_routes(http::Router& router, Search& search, AnswerCache& answers);

}  // namespace mercato::search
