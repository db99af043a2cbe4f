#pragma once
// Services one plugin offers the others (and the core's rule engine) through
// an interface declared in this SDK: the auth plugin provides UserDirectory,
// tasks provides TaskApi, notifications provides Notifier, integrations
// provides WebhookTargets.
//
// Lifetime: a provider's services are withdrawn right after its stop(), before
// its library unloads. A consumer may keep the pointer it found only if it
// declares the provider in PluginInfo::requires_plugins (it then starts after
// and stops before the provider); otherwise it calls find() each time it needs
// the service and copes with nullptr (the provider is not enabled).
#include "export.hpp"

#include <memory>
#include <string>

namespace tasklane::sdk {

class TASKLANE_SDK_VISIBLE Services {
public:
    virtual ~Services() = default;

    // T names itself with `static constexpr const char* kServiceName`. A name
    // provided twice is refused (std::invalid_argument). Call from start().
    template <class T>
    void provide(std::shared_ptr<T> service) {
        provide_named(T::kServiceName, std::static_pointer_cast<void>(std::move(service)));
    }

    // nullptr when nobody provides T.
    template <class T>
    std::shared_ptr<T> find() const {
        return std::static_pointer_cast<T>(find_named(T::kServiceName));
    }

    // The type-erased form behind provide()/find(): the name is the contract,
    // so no RTTI has to cross library boundaries (plugins hide their symbols).
    virtual void provide_named(const std::string& name, std::shared_ptr<void> service) = 0;
    virtual std::shared_ptr<void> find_named(const std::string& name) const = 0;
};

}  // namespace tasklane::sdk
