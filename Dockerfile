# syntax=docker/dockerfile:1
# One image for the whole control plane. The role is the argument:
#   docker run IMAGE ingress|watcher|reconciler|analyzer|enforcer|dashboard|all|crds   (the CRM)
#   docker run --entrypoint node IMAGE dist/pm.js                                       (the PM)
# The charts do exactly this (charts/oaas-crm: args [<role>]; charts/oaas-pm: command).
# Not built in this repository's CI (no Docker daemon there); `npm run bundle` and the
# chart tests cover what goes into it.

ARG NODE_VERSION=24

# 1. Build: install every dependency, bundle our code into dist/, then drop dev dependencies.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY . .
# `npm install --no-save` from the committed lock, not `npm ci` (README "Architecture notes").
RUN npm install --no-save --ignore-scripts --no-audit --no-fund \
 && npx tsx scripts/bundle.ts --require-all \
 && rm -rf node_modules \
 && npm install --no-save --omit=dev --ignore-scripts --no-audit --no-fund \
 # Workspace links point at TypeScript sources; the bundle already contains that code.
 && rm -rf node_modules/@oaas

# 2. Run: Node, the bundle and production node_modules only; no npm, no shell tools we need.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# A fixed numeric non-root user, matching the charts' runAsUser, so runAsNonRoot can verify it.
RUN groupadd --system --gid 10001 oaas \
 && useradd --system --uid 10001 --gid oaas --no-create-home --shell /usr/sbin/nologin oaas \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/bin/npm /usr/local/bin/npx
USER 10001:10001
EXPOSE 8088 8089 8080
ENTRYPOINT ["node", "--enable-source-maps", "dist/crm.js"]
CMD ["all"]
