# syntax=docker/dockerfile:1
# The hotfix-loop App (not the Action, which runs from dist/ on GitHub's runners).
# Build: docker build -t hotfix-loop .     Run: see docs/deploying.md.
# Untested here: the project's machines reach no container registry, so this image has never been built by CI.

# --- build: dependencies (better-sqlite3 is native: compiled if no prebuilt binary can be fetched) and lib/
FROM node:24-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# No scripts yet: `prepare` builds lib/, which needs the sources copied below.
RUN npm ci --ignore-scripts --no-audit --no-fund && npm rebuild better-sqlite3 esbuild
COPY tsconfig.json build.mjs ./
COPY src ./src
RUN node build.mjs --lib
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# --- runtime: production dependencies, lib/ and the App's manifest, as the unprivileged `node` user
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    HOTFIX_DB_PATH=/data/hotfix-loop.sqlite
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib/app ./lib/app
# The CLI (one bundled file) beside the App, so `docker exec <container> hotfix-loop report` reads the App's store.
COPY --from=build /app/lib/cli.js ./lib/cli.js
RUN chmod +x lib/cli.js && ln -s /app/lib/cli.js /usr/local/bin/hotfix-loop
# package.json for Probot's settings look-up, app.yml for its manifest flow (creating the GitHub App when APP_ID is unset).
COPY package.json app.yml ./
# SQLite's file (the default store) lives on a volume the `node` user owns; with DATABASE_URL it stays empty.
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The production entry (`npm start`), the same file test/app/main-process.test.ts starts as a process.
CMD ["node", "lib/app/main.js"]
