package io.lagscaler.loadtest.services;

import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.devstack.LocalRedis;
import io.lagscaler.devstack.Neo4jProcess;
import java.util.List;
import java.util.Map;

/**
 * Kafka, Redis and Neo4j for the service commands, each a real server in its own process, so the
 * services under test share no JVM with them.
 */
public final class LocalStack implements AutoCloseable {

  private final KafkaBrokerProcess kafka;
  private final LocalRedis redis;
  private final Neo4jProcess neo4j;

  private LocalStack(KafkaBrokerProcess kafka, LocalRedis redis, Neo4jProcess neo4j) {
    this.kafka = kafka;
    this.redis = redis;
    this.neo4j = neo4j;
  }

  /** Starts Kafka plus whichever stores are asked for. */
  public static LocalStack start(boolean withRedis, boolean withNeo4j) {
    KafkaBrokerProcess kafka =
        KafkaBrokerProcess.start(
            Map.of("num.network.threads", "2", "num.io.threads", "4"), "-Xmx1g");
    LocalRedis redis = withRedis ? LocalRedis.start() : null;
    Neo4jProcess neo4j = withNeo4j ? Neo4jProcess.start("-Xmx2g") : null;
    return new LocalStack(kafka, redis, neo4j);
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
   * The stack's own metrics endpoints (the broker's JMX exporter, the Redis exporter) when they
   * run; empty otherwise.
   */
  public List<MetricsEndpoint> metricsEndpoints() {
    return List.of();
  }

  @Override
  public void close() {
    if (neo4j != null) {
      neo4j.close();
    }
    if (redis != null) {
      redis.close();
    }
    kafka.close();
  }
}
