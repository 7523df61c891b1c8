#include "kernel/bus/retry_policy.hpp"

#include <algorithm>

namespace mercato::kernel::bus {

std::chrono::milliseconds RetryPolicy::delay_after(int attempt, double jitter) const {
    double delay = static_cast<double>(initial.count());
    for (int i = 1; i < attempt && delay < static_cast<double>(max.count()); ++i) delay *= 2;
    delay = std::min(delay, static_cast<double>(max.count()));
    jitter = std::clamp(jitter, 0.5, 1.0);
    return std::chrono::milliseconds(static_cast<long long>(delay * jitter));
}

}  // namespace mercato::kernel::bus
