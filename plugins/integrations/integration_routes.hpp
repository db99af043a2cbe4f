#pragma once
// HTTP ⇄ services for the integrations plugin: /api/v1/webhooks (admin),
// /api/v1/integrations/inbound-tokens (admin) and the public inbound route.
#include "inbound_service.hpp"
#include "webhook_service.hpp"

#include <tasklane/sdk/http.hpp>

namespace tasklane::integrations {

void register_webhook_routes(sdk::Routes& routes, WebhookService& service);
void register_inbound_routes(sdk::Routes& routes, InboundService& service);

}  // namespace tasklane::integrations
