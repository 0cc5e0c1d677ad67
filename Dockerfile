# The flowguard pipeline and reference engine (docker-compose.yml runs both from this image).
# TypeScript runs through tsx, so there is no build step: the sources and `npm ci` are all it needs.
FROM node:20-slim

WORKDIR /app
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps

COPY package.json package-lock.json ./
# Runtime dependencies only (tsx included); tests and linters stay out of the image.
RUN npm ci --omit=dev && npm cache clean --force

COPY . .

USER node
CMD ["node", "bin/flowguard.js", "run", "--config", "/config/flowguard.json"]
