// The source of "now". Code that needs the time takes a Clock& so tests can fix it.
#pragma once

#include <chrono>

#include "vafa/core/time.hpp"

namespace vafa {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// A clock that only moves when told to. Not thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp now() const override { return now_; }
  void set(Timestamp t) { now_ = t; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  Timestamp now_;
};

}  // namespace vafa
