#include "vafa/core/log.hpp"

#include <spdlog/logger.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace vafa {

namespace {

class SpdLogger final : public Logger {
 public:
  explicit SpdLogger(const std::string& name)
      : logger_(name, std::make_shared<spdlog::sinks::stderr_sink_mt>()) {
    logger_.set_pattern("%n: %l: %v");
    logger_.set_level(spdlog::level::info);
    logger_.flush_on(spdlog::level::info);
  }

  void write(Level level, std::string_view message) override {
    logger_.log(to_spdlog(level), "{}", message);
  }

 private:
  static spdlog::level::level_enum to_spdlog(Level level) {
    switch (level) {
      case Level::debug: return spdlog::level::debug;
      case Level::info: return spdlog::level::info;
      case Level::warning: return spdlog::level::warn;
      case Level::error: return spdlog::level::err;
    }
    return spdlog::level::err;
  }

  spdlog::logger logger_;
};

class NullLogger final : public Logger {
 public:
  void write(Level, std::string_view) override {}
};

}  // namespace

LoggerPtr stderr_logger(const std::string& name) { return std::make_shared<SpdLogger>(name); }

LoggerPtr null_logger() { return std::make_shared<NullLogger>(); }

void MemoryLogger::write(Level level, std::string_view message) {
  const std::lock_guard lock(mutex_);
  lines_.emplace_back(level, std::string(message));
}

std::vector<std::pair<Logger::Level, std::string>> MemoryLogger::lines() const {
  const std::lock_guard lock(mutex_);
  return lines_;
}

}  // namespace vafa
