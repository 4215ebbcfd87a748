package io.lagscaler.services.common.config;

import io.lagscaler.services.common.consumer.ProcessingCost;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Settings every service shares, read from environment variables (names and defaults in
 * docs/services.md). Consumer settings are read by the consumers only.
 */
public record ServiceConfig(
    String serviceName,
    String bootstrapServers,
    String ordersTopic,
    String dlqTopic,
    int ordersPartitions,
    int httpPort,
    Tracing tracing) {

  /** Records per poll, and so per store batch, unless MAX_POLL_RECORDS says otherwise. */
  public static final int DEFAULT_MAX_POLL_RECORDS = 500;

  /** Brave/Zipkin tracing: the Zipkin endpoint is optional (no reporting without it). */
  public record Tracing(Optional<String> zipkinEndpoint, double sampleRate) {}

  /** The at-least-once consumer loop's settings. */
  public record Consumer(
      String groupId,
      GroupProtocol groupProtocol,
      int maxPollRecords,
      Duration shutdownGrace,
      Duration backoffInitial,
      Duration backoffMax,
      Duration processingCostPerMessage,
      ProcessingCost.Mode processingCostMode) {}

  /** Which Kafka group protocol the consumer uses. */
  public enum GroupProtocol {
    /** Classic protocol with the cooperative-sticky assignor. */
    CLASSIC,
    /** KIP-848 consumer protocol: assignment by the broker. */
    CONSUMER
  }

  public static ServiceConfig read(Env env, String serviceName) {
    return new ServiceConfig(
        serviceName,
        env.string("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        env.string("ORDERS_TOPIC", "orders"),
        env.string("DLQ_TOPIC", "orders.dlq"),
        env.integer("ORDERS_PARTITIONS", 24, 1, 10_000),
        env.integer("HTTP_PORT", 8080, 0, 65_535),
        new Tracing(
            env.optional("ZIPKIN_ENDPOINT"), env.decimal("TRACING_SAMPLE_RATE", 0.1, 0.0, 1.0)));
  }

  public static Consumer readConsumer(Env env, String defaultGroup) {
    Duration initial =
        env.duration(
            "STORE_BACKOFF_INITIAL",
            Duration.ofMillis(200),
            Duration.ofMillis(10),
            Duration.ofMinutes(1));
    Duration max =
        env.duration(
            "STORE_BACKOFF_MAX",
            Duration.ofSeconds(5),
            Duration.ofMillis(10),
            Duration.ofMinutes(10));
    if (max.compareTo(initial) < 0) {
      env.reject(
          "STORE_BACKOFF_MAX="
              + env.string("STORE_BACKOFF_MAX", "5s")
              + " is shorter than STORE_BACKOFF_INITIAL="
              + env.string("STORE_BACKOFF_INITIAL", "200ms")
              + ": the maximum must be at least the initial backoff");
    }
    return new Consumer(
        env.string("CONSUMER_GROUP", defaultGroup),
        GroupProtocol.valueOf(
            env.oneOf("GROUP_PROTOCOL", "classic", Set.of("classic", "consumer"))
                .toUpperCase(java.util.Locale.ROOT)),
        env.integer("MAX_POLL_RECORDS", DEFAULT_MAX_POLL_RECORDS, 1, 100_000),
        env.duration(
            "SHUTDOWN_GRACE", Duration.ofSeconds(25), Duration.ofSeconds(1), Duration.ofHours(1)),
        initial,
        max,
        Duration.ofNanos(1000L * env.integer("PROCESSING_COST_MICROS", 0, 0, 10_000_000)),
        ProcessingCost.Mode.valueOf(
            env.oneOf("PROCESSING_COST_MODE", "spin", Set.of("spin", "sleep"))
                .toUpperCase(java.util.Locale.ROOT)));
  }
}
