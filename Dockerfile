# syntax=docker/dockerfile:1
# klipy-mcp: one static binary on a distroless, non-root base.
#   docker build --build-arg VERSION=v0.1.0 --build-arg COMMIT=$(git rev-parse --short HEAD) -t klipy-mcp .
#   docker run -i --rm -e KLIPY_API_KEY klipy-mcp            # stdio (Claude Desktop)
#   docker run --rm -p 8080:8080 klipy-mcp http --addr 0.0.0.0:8080 --public

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/klipy-mcp ./cmd/klipy-mcp

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="klipy-mcp" \
      org.opencontainers.image.description="MCP server for the Klipy CRM: people, companies and interactions for AI assistants" \
      org.opencontainers.image.source="https://github.com/klipy-ai/klipy-mcp" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      io.modelcontextprotocol.server.name="io.github.klipy-ai/klipy-mcp"
COPY --from=build /out/klipy-mcp /klipy-mcp
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/klipy-mcp"]
CMD ["stdio"]
