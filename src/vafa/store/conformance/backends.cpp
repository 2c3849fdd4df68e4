// Every backend the conformance suite runs against; each test opens a fresh store in its own
// directory.
#include "vafa/store/conformance/fixture.hpp"

namespace vafa::conformance {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance,
                         ::testing::Values(Backend{
                             "sqlite",
                             [](const std::filesystem::path& dir) {
                               return open_store((dir / "vafa.db").string()).value();
                             }}),
                         [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace vafa::conformance
