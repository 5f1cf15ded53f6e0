# The api image. Build from the repository root (the build context):
#   docker build -f deploy/docker/api.Dockerfile -t ghcr.io/example/meal-planner-api:1.0.0 .

# --- 1: build the Quarkus fast-jar with the project's Maven wrapper ---
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY . .
# The cache mount keeps Maven's repository (and the wrapper's Maven) between builds.
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -q -DskipTests -pl api -am package

# --- 2: runtime: JRE only, non-root, application files owned by root (read-only for the app) ---
FROM eclipse-temurin:21-jre
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=build /src/api/target/quarkus-app/lib/ /app/lib/
COPY --from=build /src/api/target/quarkus-app/app/ /app/app/
COPY --from=build /src/api/target/quarkus-app/quarkus/ /app/quarkus/
COPY --from=build /src/api/target/quarkus-app/quarkus-run.jar /app/quarkus-run.jar
ENV JAVA_OPTS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"
USER 10001:10001
# REST api, health (/q/health/live, /q/health/ready) and metrics (/q/metrics)
EXPOSE 8080
# exec: java becomes PID 1 and gets SIGTERM directly (graceful shutdown)
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/quarkus-run.jar"]
