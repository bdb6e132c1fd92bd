# syntax=docker/dockerfile:1
# Cookmark: one image for the web process (`node build`) and the worker (`cookmark worker`).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The build also writes .svelte-kit/, whose tsconfig gives the worker command (tsx) its $lib paths.
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    BODY_SIZE_LIMIT=21M
WORKDIR /app
COPY --from=build /app /app
# Runs as the image's unprivileged `node` user; /data holds the embedded database or, with
# DATABASE_URL, only the generated secret key.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# Ready = migrated, database answering and not shutting down (the worker has no HTTP port).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node is PID 1 and handles SIGTERM itself: it stops taking requests, lets running phases finish
# for QUEUE_SHUTDOWN_GRACE_MS, hands back the rest and exits, within Docker's 10 s.
CMD ["node", "build"]
