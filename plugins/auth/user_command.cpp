#include "user_command.hpp"

#include "secrets.hpp"

#include <iostream>
#include <map>

namespace tasklane::auth {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int create_user(const std::vector<std::string>& args, sdk::Host& host) {
    std::map<std::string, std::string> options;
    bool admin = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--admin") {
            admin = true;
        } else if (args[i].rfind("--", 0) == 0 && i + 1 < args.size()) {
            options[args[i].substr(2)] = args[i + 1];
            ++i;
        } else {
            std::cerr << "tasklane user create: unexpected argument '" << args[i] << "'\n";
            return 2;
        }
    }
    for (const char* required : {"username", "email", "password"}) {
        if (options[required].empty()) {
            std::cerr << "tasklane user create: --" << required << " is required\n";
            return 2;
        }
    }
    const auto& config = host.config();
    // The command never signs tokens; any secret will do for the service.
    JwtCodec codec(secrets::random_token(48));
    PasswordHasher hasher(cost_from(config), 1, 4);
    AuthService service(host.database(), hasher, codec, settings_from(config), now_ms);
    try {
        NewUser input{options["email"], options["username"], options["password"], options["full_name"],
                      admin ? "admin" : "member"};
        const auto user = service.register_user(input, sdk::Actor::system());
        std::cout << "created " << user.role << " '" << user.username << "' (id " << user.id << ")\n";
        return 0;
    } catch (const sdk::ApiError& e) {
        std::cerr << "tasklane user create: " << e.what();
        for (const auto& d : e.details()) {
            std::cerr << "; " << d.field << " " << d.message;
        }
        std::cerr << "\n";
        return 1;
    }
}

}  // namespace

sdk::Command user_create_command() {
    return {.words = {"user", "create"},
            .usage = "--username U --email E --password P [--full_name N] [--admin]",
            .summary = "create a user; --admin makes an administrator",
            .run = create_user};
}

}  // namespace tasklane::auth
