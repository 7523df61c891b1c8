// The library definition of a C function the executable defines over it (see the statement caches).
#pragma once

#include <dlfcn.h>

#include <stdexcept>
#include <string>

namespace mercato::kernel {

// The definition of `name` that comes after the executable's in lookup order: the library's own,
// which an interposed definition calls to do the real work. Throws when no library has one.
template <class F>
F next_definition(const char* name) {
    void* symbol = dlsym(RTLD_NEXT, name);
    if (symbol == nullptr) throw std::runtime_error(std::string("no library defines ") + name);
    return reinterpret_cast<F>(symbol);
}

}  // namespace mercato::kernel
