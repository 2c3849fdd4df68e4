// Boost.Beast and Asio, included in one place. GCC 12 at -O2 with the sanitizers reports
// -Wmaybe-uninitialized inside Beast's parser (a boost::optional it always sets before use; a
// false positive), which -Werror would turn into a failed build.
#pragma once

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#pragma GCC diagnostic pop
