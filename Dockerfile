# Build with cargo, run from a slim image as a non-root user.
FROM rust:1-bookworm AS build
WORKDIR /src
# Issue 8 (GraphiQL offline): build.rs bundles GraphiQL from graphiql/ with Node and npm.
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY graphiql ./graphiql
COPY build.rs ./
# End of issue 8's change.
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY data ./data
COPY schema.graphql ./
RUN cargo build --release --locked --bin mali-admin

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home mali
COPY --from=build /src/target/release/mali-admin /usr/local/bin/mali-admin
USER mali
ENV MALI_ADMIN_LISTEN=0.0.0.0 \
    PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/mali-admin"]
