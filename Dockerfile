# Build: a static binary, no cgo.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/tiaojie ./cmd/tiaojie \
 && mkdir -p /out/data

# Run: distroless, as the nonroot user, with the database on a volume.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tiaojie /usr/local/bin/tiaojie
COPY --from=build --chown=nonroot:nonroot /out/data /data
ENV TIAOJIE_ADDR=0.0.0.0:8080 \
    TIAOJIE_DB=/data/tiaojie.db
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=6s --start-period=10s CMD ["/usr/local/bin/tiaojie", "health"]
ENTRYPOINT ["/usr/local/bin/tiaojie"]
CMD ["serve"]
