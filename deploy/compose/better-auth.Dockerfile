# syntax=docker/dockerfile:1
# The demo identity provider of docker-compose.yml: the real Better Auth of interop/server.mjs (admin, organization,
# jwt and bearer plugins, plural-snake tables), publishing identity changes to NATS through the project's
# @tenantgate/better-auth-nats package. A test fixture, not a production Better Auth: its secret is a constant.
# Build context: the repository root (docker-compose.yml sets it).
FROM node:20-bookworm-slim
WORKDIR /app
# interop depends on ../integrations/better-auth-nats (a file: dependency, installed as a copy and built by its
# prepare script), so both go in, at the same relative places.
COPY integrations/better-auth-nats/ integrations/better-auth-nats/
COPY interop/package.json interop/package-lock.json interop/.npmrc interop/
RUN cd interop && npm ci --no-audit --no-fund
COPY interop/ interop/
RUN mkdir /data && chown node:node /data
USER node
WORKDIR /app/interop
ENV HOST=0.0.0.0 PORT=3000 PRESET=plural-snake ALG=EdDSA
EXPOSE 3000
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=5 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server.mjs"]
