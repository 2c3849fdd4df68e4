// The one logger of a process, handed to whatever logs (the server, its writer) rather than
// reached through a global, so a test can read what was logged and a library never prints on its
// own. Built on spdlog (its stderr sink is thread-safe and writes one whole line per message); the
// header keeps spdlog out of every file that only logs.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace vafa {

class Logger {
 public:
  enum class Level { debug, info, warning, error };

  virtual ~Logger() = default;

  template <typename... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) {
    write(Level::info, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void warning(fmt::format_string<Args...> format, Args&&... args) {
    write(Level::warning, fmt::format(format, std::forward<Args>(args)...));
  }
  template <typename... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) {
    write(Level::error, fmt::format(format, std::forward<Args>(args)...));
  }

  // Thread-safe in every implementation.
  virtual void write(Level level, std::string_view message) = 0;
};

using LoggerPtr = std::shared_ptr<Logger>;

// "NAME: warning: message" lines on stderr, through spdlog.
LoggerPtr stderr_logger(const std::string& name);

// Keeps every line in memory (tests).
class MemoryLogger final : public Logger {
 public:
  void write(Level level, std::string_view message) override;
  std::vector<std::pair<Level, std::string>> lines() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<Level, std::string>> lines_;
};

// Drops everything (tools that must stay quiet).
LoggerPtr null_logger();

}  // namespace vafa
