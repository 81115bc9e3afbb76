# syntax=docker/dockerfile:1
# mali-admin: built with cargo, run from a slim image as a non-root user.
# `docker build -t mali-admin .` (BuildKit, Docker's default builder, for the cache mounts).

FROM rust:1-bookworm AS build
WORKDIR /src

# GraphiQL's assets are bundled from npm by build.rs (graphiql/), so the build needs Node and npm
# (not pinned, as curl below).
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
COPY graphiql/package.json graphiql/package-lock.json graphiql/build.mjs ./graphiql/
COPY graphiql/src ./graphiql/src
COPY graphiql/examples ./graphiql/examples
COPY build.rs ./
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY data ./data
COPY schema.graphql ./
# Cargo's registry and target directory persist between builds in BuildKit cache mounts, so a
# change to the sources rebuilds only this crate; the binary is copied out of the mount.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin mali-admin \
    && cp target/release/mali-admin /usr/local/bin/mali-admin

FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="mali-admin" \
      org.opencontainers.image.description="GraphQL server for Mali's administrative divisions and their history" \
      org.opencontainers.image.licenses="MIT"
# curl: the health check's client. Not pinned (DL3008): bookworm's archive keeps only the
# latest security build of a package, so a pinned version would stop installing; rebuilding
# the image picks up the fixes.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home mali
COPY --from=build /usr/local/bin/mali-admin /usr/local/bin/mali-admin
USER 10001
# Two malloc arenas: glibc would allow 8 per core of the host, whatever the container's CPU
# limit. On 2 cores it measured within noise of the default (BENCHMARKS.md, "Memory").
ENV MALI_ADMIN_LISTEN=0.0.0.0 \
    PORT=8000 \
    MALLOC_ARENA_MAX=2
EXPOSE 8000
# The server finishes the requests it has, then exits, on SIGTERM.
STOPSIGNAL SIGTERM
# The data is loaded and checked before the server listens: ready as soon as it answers.
HEALTHCHECK --interval=10s --timeout=2s --start-period=5s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8000/readyz"]
ENTRYPOINT ["/usr/local/bin/mali-admin"]
