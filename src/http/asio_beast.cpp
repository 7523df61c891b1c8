// The one translation unit that compiles Boost.Asio and Boost.Beast (separate compilation keeps
// every other file from instantiating them again).
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
