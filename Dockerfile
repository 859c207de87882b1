# One image for api, worker and the one-shot migrate step (docker-compose.yml picks the command).
# Node 24 LTS here; the code also runs on Node >= 20.19 (see package.json engines).

FROM node:24-bookworm-slim AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json .npmrc ./
COPY prisma ./prisma
COPY prisma.config.ts ./
COPY scripts ./scripts
# postinstall generates the Prisma client from prisma/schema.prisma.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# The /console page and the typed client it runs on (own package.json; the build installs and compiles it).
COPY clients ./clients
RUN npm run build
# Online build: fetch Prisma's native schema engine so the runtime never needs the WASM bridge or the network.
RUN PRISMA_SCHEMA_ENGINE=native node scripts/prisma.js version
RUN npm prune --omit=dev --no-audit --no-fund
# The catalogued background-removal models, downloaded and checksum-verified at build time (an image that serves real
# cut-outs with no further step). `--build-arg LUMIKU_MODELS=` builds without them; air-gapped builds can add
# `--build-arg LUMIKU_MODELS_MIRROR=https://files.internal/models`.
ARG LUMIKU_MODELS="u2net birefnet-general-lite birefnet-general"
ARG LUMIKU_MODELS_MIRROR=""
RUN mkdir -p /app/models && if [ -n "$LUMIKU_MODELS" ]; then \
      MODELS_DIR=/app/models node dist/apps/cli/src/main.js models pull $LUMIKU_MODELS \
        ${LUMIKU_MODELS_MIRROR:+--mirror "$LUMIKU_MODELS_MIRROR"} --timeout-ms 60000; \
    fi

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PRISMA_SCHEMA_ENGINE=native \
    STORAGE_ROOT=/data/storage \
    MODELS_DIR=/app/models
COPY --from=build --chown=node:node /app/package.json /app/prisma.config.ts ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/prisma ./prisma
COPY --from=build --chown=node:node /app/scripts ./scripts
# The embedded remover's bundled person model (found by walking up from dist/, see selfie-model-file.ts).
COPY --from=build --chown=node:node /app/libs/ai-providers/assets ./libs/ai-providers/assets
COPY --from=build --chown=node:node /app/models ./models
RUN mkdir -p /data/storage && chown -R node:node /data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "scripts/healthcheck.js"]
CMD ["node", "dist/apps/api/src/main.js"]
