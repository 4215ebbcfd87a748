package io.lagscaler.loadtest.services;

import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.devstack.LocalRedis;
import io.lagscaler.devstack.LoopbackServer;
import io.lagscaler.devstack.Neo4jProcess;
import io.lagscaler.devstack.RedisExporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kafka, Redis and Neo4j for the service commands, each a real server in its own process, so the
 * services under test share no JVM with them. The broker serves its metrics through the JMX
 * exporter with the platform chart's rules, and Redis through Redis's exporter when one is
 * installed: the same metric names as in a cluster.
 */
public final class LocalStack implements AutoCloseable {

  private final KafkaBrokerProcess kafka;
  private final LocalRedis redis;
  private final Neo4jProcess neo4j;
  private final LoopbackServer redisExporter;

  private LocalStack(
      KafkaBrokerProcess kafka, LocalRedis redis, Neo4jProcess neo4j, LoopbackServer exporter) {
    this.kafka = kafka;
    this.redis = redis;
    this.neo4j = neo4j;
    this.redisExporter = exporter;
  }

  /** Starts Kafka plus whichever stores are asked for. */
  public static LocalStack start(boolean withRedis, boolean withNeo4j) {
    KafkaBrokerProcess kafka =
        KafkaBrokerProcess.startWithMetrics(
            Map.of("num.network.threads", "2", "num.io.threads", "4"), "-Xmx1g");
    LocalRedis redis = withRedis ? LocalRedis.start() : null;
    LoopbackServer exporter = redis == null ? null : redisExporter(redis).orElse(null);
    Neo4jProcess neo4j = withNeo4j ? Neo4jProcess.start("-Xmx2g") : null;
    return new LocalStack(kafka, redis, neo4j, exporter);
  }

  private static Optional<LoopbackServer> redisExporter(LocalRedis redis) {
    try {
      return RedisExporter.startIfInstalled(
          redis.uri(), Files.createTempDirectory("lagscaler-redis-exporter-"));
    } catch (IOException e) {
      throw new UncheckedIOException("could not make a directory for Redis's exporter", e);
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String redisUri() {
    return redis.uri();
  }

  public String boltUri() {
    return neo4j.boltUri();
  }

  /**
   * Stops Redis (a clean shutdown: its append-only file keeps every acknowledged write), leaves it
   * down for {@code down}, and starts it again on the same port.
   */
  public void restartRedis(Duration down) throws InterruptedException {
    redis.stop();
    Thread.sleep(down.toMillis());
    redis.restart();
  }

  /**
   * Stops the Neo4j process, leaves it down for {@code down}, and starts a new process on the same
   * port and store; returns once Bolt answers again.
   */
  public void restartNeo4j(Duration down) throws InterruptedException {
    neo4j.stop();
    Thread.sleep(down.toMillis());
    neo4j.restart();
  }

  /**
   * The stack's own metrics endpoints: the broker's JMX exporter, and Redis's exporter when it is
   * installed ({@code apt-get install prometheus-redis-exporter}).
   */
  public List<MetricsEndpoint> metricsEndpoints() {
    List<MetricsEndpoint> endpoints = new ArrayList<>();
    kafka
        .metricsAddress()
        .ifPresent(a -> endpoints.add(new MetricsEndpoint("kafka", "kafka-0", a, "/metrics")));
    if (redisExporter != null) {
      endpoints.add(new MetricsEndpoint("redis", "redis-0", redisExporter.address(), "/metrics"));
    }
    return endpoints;
  }

  @Override
  public void close() {
    if (neo4j != null) {
      neo4j.close();
    }
    if (redisExporter != null) {
      redisExporter.close();
    }
    if (redis != null) {
      redis.close();
    }
    kafka.close();
  }
}
