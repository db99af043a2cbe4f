# Tasklane container image: a Debian 12 build stage and a slim runtime stage
# with the runtime libraries only, a non-root user, the server and its plugins.
#
#   docker build -t tasklane .
#   docker run --rm -p 8080:8080 -p 8081:8081 \
#     -e TASKLANE_DB_URL=postgresql://tasklane:...@db:5432/tasklane \
#     -e TASKLANE_JWT_SECRET=... -e TASKLANE_PUBLIC_WS_URL=wss://tasks.example.com/ws tasklane
#
# deploy/docker-compose.yml runs two of these behind nginx (deploy/README.md).

# ---- build ----------------------------------------------------------------
FROM debian:12 AS build
WORKDIR /src
# The same package list as a developer's machine (scripts/install-deps.sh),
# in its own layer so a source change does not reinstall it.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DTASKLANE_BUILD_TESTS=OFF \
    && cmake --build /build -j"$(nproc)" \
    && /build/tasklane version

# ---- runtime --------------------------------------------------------------
FROM debian:12-slim
# The shared libraries the binary and the plugins link (tests/deploy checks
# this list against the built binary), ca-certificates for SMTP/webhooks over
# TLS, curl for the health check.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       ca-certificates curl \
       libboost-filesystem1.74.0 libboost-system1.74.0 libcurl4 libfmt9 libjwt0 liblua5.4-0 libpistache0 libpq5 \
       libsoci-core4.0 libsoci-postgresql4.0 libsoci-sqlite3-4.0 libsodium23 libspdlog1.10 \
       libsqlite3-0 libyaml-cpp0.7 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 tasklane \
    && useradd --system --uid 10001 --gid tasklane --home-dir /var/lib/tasklane \
       --no-create-home --shell /usr/sbin/nologin tasklane \
    && install -d -o tasklane -g tasklane -m 0750 /var/lib/tasklane \
    && install -d -m 0755 /etc/tasklane /usr/local/lib/tasklane/plugins /usr/local/share/tasklane/web

COPY --from=build /build/tasklane /usr/local/bin/tasklane
COPY --from=build /build/plugins/*.so /usr/local/lib/tasklane/plugins/
# The browser assets the build made with npm (server.web_dir): the web app
# (index.html, assets/) and the API docs viewer (docs/).
COPY --from=build /build/web/index.html /usr/local/share/tasklane/web/index.html
COPY --from=build /build/web/assets /usr/local/share/tasklane/web/assets
COPY --from=build /build/web/docs /usr/local/share/tasklane/web/docs
# The default config; compose mounts deploy/production.yaml over it read-only.
COPY deploy/production.yaml /etc/tasklane/tasklane.yaml

# In a container the servers must listen beyond loopback.
ENV TASKLANE_HOST=0.0.0.0 \
    TASKLANE_PLUGIN_DIR=/usr/local/lib/tasklane/plugins \
    TASKLANE_WEB_DIR=/usr/local/share/tasklane/web

USER tasklane
WORKDIR /var/lib/tasklane
EXPOSE 8080 8081
# Ready means database reachable, migrations applied, plugins started.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS --max-time 2 http://127.0.0.1:8080/health/ready >/dev/null || exit 1
# SIGTERM: in-flight requests finish (server.shutdown_timeout), then exit 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/tasklane"]
CMD ["serve", "--config", "/etc/tasklane/tasklane.yaml"]
