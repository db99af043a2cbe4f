// Exports a handshake from a "future" SDK: the loader must refuse it before
// creating anything, naming the file and both versions.
#include <tasklane/sdk/sdk.hpp>

namespace wrong_version {

inline tasklane::sdk::Handshake handshake() {
    return {tasklane::sdk::kApiVersion + 98, static_cast<std::uint32_t>(sizeof(tasklane::sdk::Handshake)),
            "wrong_version"};
}
[[noreturn]] inline tasklane::sdk::Plugin* create() { throw std::logic_error("create() must never be called"); }

}  // namespace wrong_version

BOOST_DLL_ALIAS(wrong_version::handshake, tasklane_sdk_handshake)
BOOST_DLL_ALIAS(wrong_version::create, tasklane_sdk_create_plugin)
