# Wharf's container image for those with Docker (or podman/buildah) and network
# access. Offline, from what a checkout already has, use scripts/build-image.sh
# instead (buildah; same layout: /app, user 10001, /data, port 5000).
#
#   docker build -t wharf .
#   docker run -p 5000:5000 -v wharf-data:/data wharf

# Build: install every dependency, compile src/ to dist/, then keep only the
# production dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the `prepare` build needs the sources, copied below.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.sh scripts/build.sh
COPY src src
COPY web web
RUN bash scripts/build.sh && rm -f dist/.built && find dist -name '*.map' -delete \
  && npm prune --omit=dev --ignore-scripts

# Run: Node 24 slim, the compiled code and production node_modules, non-root.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    WHARF_DATA_DIR=/data \
    WHARF_LISTEN=0.0.0.0:5000
RUN groupadd --system --gid 10001 wharf \
  && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin wharf \
  && mkdir -p /data && chown wharf:wharf /data
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 5000/tcp
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "const p=(process.env.WHARF_LISTEN||':5000').split(':').pop();process.env.NODE_TLS_REJECT_UNAUTHORIZED='0';fetch((process.env.WHARF_TLS__CERT?'https':'http')+'://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "--optimize-for-size", "/app/dist/cli/main.js"]
CMD ["serve"]
