#pragma once
// Everything a plugin needs: #include <tasklane/sdk/sdk.hpp>
#include "config_schema.hpp"
#include "database.hpp"
#include "errors.hpp"
#include "events.hpp"
#include "host.hpp"
#include "http.hpp"
#include "jobs.hpp"
#include "plugin.hpp"
#include "query.hpp"
#include "text.hpp"
#include "version.hpp"
