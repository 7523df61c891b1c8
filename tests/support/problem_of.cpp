#include "support/problem_of.hpp"

#include "kernel/problem.hpp"

namespace mercato::test {

int status_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const kernel::Problem& p) {
        return p.status();
    }
    return 0;
}

std::vector<std::string> fields_of(const std::function<void()>& call) {
    try {
        call();
    } catch (const kernel::Problem& p) {
        std::vector<std::string> fields;
        for (const auto& e : p.errors()) fields.push_back(e.field);
        return fields;
    }
    return {};
}

}  // namespace mercato::test
