// The store factory of the engine, application and API tests: they ask for "a fresh store"
// rather than opening a SQLite file, so the same tests run on every backend. The backend is
// named by $VAFA_TEST_STORE ("sqlite", the default, is the only one so far; PostgreSQL's
// location will be a fresh database per test). For tests only.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "vafa/store/store.hpp"

namespace vafa {

// The location of the test store `name` kept under `dir`: open_store(location) opens it, any
// number of times (a writer and its readers).
inline std::string test_store_location(const std::filesystem::path& dir,
                                       std::string_view name = "test") {
  const char* chosen = std::getenv("VAFA_TEST_STORE");
  const std::string_view backend = chosen != nullptr && *chosen != '\0' ? chosen : "sqlite";
  if (backend != "sqlite") {
    throw std::invalid_argument("VAFA_TEST_STORE=" + std::string(backend) +
                                ": this build's tests know the backend 'sqlite' only");
  }
  return "sqlite:" + (dir / (std::string(name) + ".db")).string();
}

// A fresh (or, when it exists, the same) store under `dir`; throws when it cannot be opened, so
// a test fails at once with the reason.
inline std::unique_ptr<Store> open_test_store(const std::filesystem::path& dir,
                                              std::string_view name = "test") {
  auto opened = open_store(test_store_location(dir, name));
  if (!opened) throw std::runtime_error("cannot open the test store: " + opened.error().message);
  return std::move(*opened);
}

}  // namespace vafa
