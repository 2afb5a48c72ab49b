# The cutover controller, as manifests/controller/ runs it in the cluster (aws provider).
# Build from the repository root:  docker build -t <ecr>/cutover-controller:<sha> .
# The predictor has its own image: predictor/Dockerfile.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY predictor ./predictor
COPY src ./src
COPY scripts ./scripts
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production CUTOVER_PROVIDER=aws CUTOVER_HOST=0.0.0.0 CUTOVER_PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /src/dist ./dist
# The smoke test's labelled reference rows (the controller keeps the labels; releases never see
# them), and the edge template `cutover edge-create` reads.
COPY predictor/data ./predictor/data
COPY cloudformation ./cloudformation
# The official image's unprivileged user (uid 1000), as the Deployment's securityContext expects.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.CUTOVER_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
