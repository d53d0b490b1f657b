# Build stage: install every dependency and compile TypeScript.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled JavaScript and production dependencies only, as a non-root user.
FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 8080 8081
# The heap flags are the ones of `npm start` in package.json: they keep the RSS under load
# below 120 MB (bench/RESULTS.md) without costing throughput.
ENTRYPOINT ["node", "--max-semi-space-size=2", "--max-old-space-size=96", "dist/main.js"]
