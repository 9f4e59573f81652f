# InsightAgent image: `docker build -t insightagent .`, then `docker run insightagent serve`.
# Stage 1 installs every dependency from the lockfile and compiles TypeScript (npm ci runs the
# `prepare` script, i.e. `npm run build`), then drops the dev dependencies. Stage 2 is a slim
# Node 20 runtime holding only what `bin/insightagent.js` needs at run time.
# Debian (glibc), not Alpine: chDB's native library, used by the embedded store, needs glibc.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    INSIGHTAGENT_DATA_DIR=/var/lib/insightagent
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web UI's static files (plain ES modules, served from src/ui by dist/api/routes/ui.js).
COPY src/ui ./src/ui
COPY bin ./bin
COPY migrations ./migrations
COPY deploy/demo ./deploy/demo
# The `node` user (uid 1000) of the official image; it owns the embedded store's directory.
RUN mkdir -p /var/lib/insightagent && chown node:node /var/lib/insightagent
USER node
# API + UI, OTLP/HTTP receiver, sidecar. Health checks live in docker-compose.yml / the k8s probes.
EXPOSE 8080 4318 8000
ENTRYPOINT ["node", "bin/insightagent.js"]
CMD ["serve"]
