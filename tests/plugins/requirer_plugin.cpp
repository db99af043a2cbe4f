// Built several times with different names and requirements to test the
// loader's dependency ordering, missing requirements and cycles.
#include <tasklane/sdk/sdk.hpp>

namespace requirer {

class RequirerPlugin : public tasklane::sdk::Plugin {
public:
    tasklane::sdk::PluginInfo info() const override {
        tasklane::sdk::PluginInfo i{.name = REQUIRER_NAME, .version = "0.0.1", .description = "test", .requires_plugins = {}};
        const std::string requires_list = REQUIRER_REQUIRES;
        if (!requires_list.empty()) {
            i.requires_plugins.push_back(requires_list);
        }
        return i;
    }
    void start(tasklane::sdk::Host&) override {}
};

}  // namespace requirer

TASKLANE_PLUGIN(requirer::RequirerPlugin, REQUIRER_NAME)
