# Hub Serving's container image: `docker build -t hub-serving .` (or `podman build --format docker ...`).
# Two stages: the build stage installs every npm package, compiles the TypeScript and converts lac's weights
# (from Debian's python3-jieba) into HUB_HOME; the runtime stage keeps only the production packages, the
# compiled code and the converted weights, so a pod starts with no network. See docs/deploy.md.
#
# BASE is the official Node 20 image on Debian bookworm; any image with node 20 and npm on Debian bookworm
# works (deploy/scripts/local-base.sh builds one from debootstrap where no registry image can be pulled).
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
# The modules whose weights are prepared into the image (space-separated), e.g. "lac chinese_ocr_db_crnn_mobile".
ARG HUB_MODULES=lac
# onnxruntime-node's install script downloads CUDA files from outside the npm registry; the CPU build needs
# none of them. package.json denies its install script to npm 11 (allowScripts); npm 10 reads this variable.
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    HUB_HOME=/var/lib/hub-serving \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# lac's weights: Baidu's LAC as shipped in Debian's python3-jieba, converted to ONNX by `hub install lac`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-jieba \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json ./
COPY bin ./bin
COPY src ./src
# The playground's sources; `prepare` bundles them into dist/web.
COPY web ./web
COPY scripts/build-web.js ./scripts/
# `npm ci` compiles the TypeScript too (the package's prepare script).
RUN --mount=type=cache,target=/root/.npm npm ci
RUN npm prune --omit=dev \
 # onnxruntime-node ships binaries for every platform; keep this one's (about 240 MB less).
 && platform="$(node -p 'process.platform + "/" + process.arch')" \
 && for dir in node_modules/onnxruntime-node/bin/napi-v*/*/*; do \
      case "$dir" in */"$platform") ;; *) rm -rf "$dir" ;; esac; \
    done \
 && node bin/hub.js install ${HUB_MODULES} \
 && rm -rf "$HUB_HOME/tmp"

FROM ${BASE} AS runtime
# HUB_ALLOWED_HOSTS: a container is reached through a published port by whatever name or address the host has;
# the Host check guards servers on a workstation against DNS rebinding. Set it to the names clients use (and
# HUB_API_KEY) to have both.
ENV NODE_ENV=production \
    HUB_HOME=/var/lib/hub-serving \
    HUB_LOG_LEVEL=info \
    HUB_ALLOWED_HOSTS="*"
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/web ./dist/web
COPY --from=build /app/node_modules ./node_modules
# HUB_HOME holds the converted weights and, at run time, the PID file (conf/): owned by the unprivileged user.
COPY --from=build --chown=1000:1000 /var/lib/hub-serving /var/lib/hub-serving
# uid 1000 is the official image's "node" user; numeric, so Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 8866
# Healthy = ready to serve (/readyz); unhealthy while loading or draining. Change the URL with the port.
HEALTHCHECK --interval=10s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HUB_HEALTHCHECK_URL || 'http://127.0.0.1:8866/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Exec form: node is PID 1 and receives SIGTERM itself, then drains (finishes requests in flight) and exits 0.
ENTRYPOINT ["node", "/app/bin/hub.js", "serving", "start"]
CMD ["-m", "lac"]
