# syntax=docker/dockerfile:1
# Build: docker build -t dynamo-operator:0.1.0 .
FROM swift:6.3-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product dynamo-operator \
    && install -D "$(swift build -c release --show-bin-path)/dynamo-operator" /out/dynamo-operator

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/dynamo-operator /usr/local/bin/dynamo-operator
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/dynamo-operator"]
CMD ["run"]
