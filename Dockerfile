# The Vitrine app (API now; pipeline processes later) for docker compose's `app` profile.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ENV NODE_ENV=development
EXPOSE 3000
CMD ["sh", "-c", "npx tsx sql/migrate-cli.ts && npx tsx api/main.ts"]
