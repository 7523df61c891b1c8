// What a facade call refused with: the status and the field errors of the kernel::Problem it threw.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace mercato::test {

// The Problem's HTTP status, or 0 when the call threw none.
int status_of(const std::function<void()>& call);

// The fields the Problem names, in order; empty when the call threw none.
std::vector<std::string> fields_of(const std::function<void()>& call);

}  // namespace mercato::test
