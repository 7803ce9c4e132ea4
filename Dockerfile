# The Vitrine app (API now; pipeline processes later) for docker compose's `app` profile.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
# patches/: fixes to dependencies applied by `postinstall` (patch-package), see patches/README.md.
COPY patches ./patches
# node-rdkafka (the S3 connector's producer) compiles its bundled librdkafka.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends python3 make g++ \
  libssl-dev libsasl2-dev zlib1g-dev libzstd-dev \
  && rm -rf /var/lib/apt/lists/*
RUN npm_config_nodedir=/usr/local npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=development
EXPOSE 3000
CMD ["sh", "-c", "npx tsx sql/migrate-cli.ts && npx tsx api/main.ts"]
