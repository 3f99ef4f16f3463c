# syntax=docker/dockerfile:1
# tenantgate gateway image.
#
#   docker build -t tenantgate .
#   docker run -p 8080:8080 -v "$PWD/deploy/compose/gateway:/config:ro" -e TENANTGATE_JWKS_URI=... tenantgate
#
# Configuration is by environment variables only (README.md, docs/configuration.md); the route policy is read from
# /config/routes.yml (TENANTGATE_ROUTES_FILE) and reloaded when it changes, so mount a directory there, not a file.
# JVM options go in JAVA_OPTS (the default sizes the heap from the container's memory limit).

# ---- build: the Maven wrapper, as in the README (tests are run by CI, not here) ----
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY gateway/pom.xml gateway/
COPY gateway/src/main/ gateway/src/main/
# The cache mount keeps ~/.m2 between builds on the same builder (BuildKit); it is not part of any layer.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -pl gateway -am package -Dmaven.test.skip=true \
    && java -Djarmode=tools -jar gateway/target/tenantgate-gateway.jar extract --layers --launcher \
         --destination /layers

# ---- runtime: a JRE, the application in Spring Boot's layers (dependencies change least often) ----
FROM eclipse-temurin:17-jre AS runtime
RUN groupadd --system --gid 10001 tenantgate \
    && useradd --system --uid 10001 --gid tenantgate --home-dir /app --no-create-home \
         --shell /usr/sbin/nologin tenantgate \
    && mkdir -p /config \
    && chown tenantgate:tenantgate /config
WORKDIR /app
COPY --from=build /layers/dependencies/ ./
COPY --from=build /layers/spring-boot-loader/ ./
COPY --from=build /layers/snapshot-dependencies/ ./
COPY --from=build /layers/application/ ./

ENV TENANTGATE_PORT=8080 \
    TENANTGATE_ROUTES_FILE=file:/config/routes.yml \
    JAVA_OPTS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8080
# curl is part of the eclipse-temurin images. Liveness only, on the management port (9000 unless
# TENANTGATE_MANAGEMENT_PORT or MANAGEMENT_SERVER_PORT moves it; Actuator is never on the traffic port): a gateway
# without PostgreSQL, Redis or NATS is still alive (it fails closed with 503s).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${MANAGEMENT_SERVER_PORT:-${TENANTGATE_MANAGEMENT_PORT:-9000}}/actuator/health/liveness" || exit 1
# exec: java is PID 1 and gets SIGTERM directly (graceful shutdown).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS org.springframework.boot.loader.launch.JarLauncher \"$@\"", "tenantgate"]
