# One image for all six Kinlink services; docker-compose.yml picks the service by its command:
#   node dist/apps/<service>/src/main.js
# (admin-api, agency-gateway, registry, matching, cases, audit).
#
#   docker build -t kinlink .
#
# Build stage: full install (the swc compiler is a dev dependency), then scripts/build.mjs compiles
# apps/ and libs/ to dist/. Runtime stage: production dependencies and dist/ only, as the
# unprivileged `node` user. The slim image has no curl: health checks use `node -e` with fetch.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY libs ./libs
COPY apps ./apps
RUN node scripts/build.mjs

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
# Services stop gracefully on SIGTERM (stop consuming, flush the outbox, disconnect).
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/admin-api/src/main.js"]
