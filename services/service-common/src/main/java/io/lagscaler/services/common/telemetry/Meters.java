package io.lagscaler.services.common.telemetry;

/**
 * Every meter name the services publish, in one place. Micrometer names with dots; Prometheus sees
 * them with underscores, base units and {@code _total} on counters (see docs/services.md).
 */
public final class Meters {

  private Meters() {}

  /** Counter, tag outcome=stored|dead_lettered: records the consumer finished with. */
  public static final String RECORDS_CONSUMED = "orders.consumed";

  /** Counter: records sent to the dead-letter topic. */
  public static final String DLQ = "orders.dlq";

  /** Distribution summary: records per polled batch. */
  public static final String BATCH_SIZE = "orders.batch.size";

  /** Timer: one batch from poll to commit. */
  public static final String BATCH_DURATION = "orders.batch.duration";

  /** Timer: record timestamp (produce time) to commit. */
  public static final String END_TO_END = "orders.end.to.end.latency";

  /** Timer, tags store=redis|neo4j, outcome=success|failure: one batch write to the store. */
  public static final String STORE_CALL = "orders.store.call";

  /** Gauge: 1 while the consumer has paused its partitions because the store is down. */
  public static final String STORE_PAUSED = "orders.store.paused";

  /** Counter, tag outcome=accepted|rejected: orders the intake received. */
  public static final String INTAKE = "orders.intake";

  /** Timer, tags method, route, status: HTTP requests served. */
  public static final String HTTP_REQUESTS = "http.server.requests";

  /**
   * Histogram buckets of every latency timer (HTTP requests, batches, store calls, end to end), so
   * Prometheus can tell quantiles across pods ({@code histogram_quantile} over {@code _bucket}).
   * Few fixed buckets keep the series per timer bounded; 500 ms is one, the p95 alert's threshold.
   */
  private static final java.time.Duration[] LATENCY_BUCKETS = {
    java.time.Duration.ofMillis(1),
    java.time.Duration.ofMillis(5),
    java.time.Duration.ofMillis(10),
    java.time.Duration.ofMillis(25),
    java.time.Duration.ofMillis(50),
    java.time.Duration.ofMillis(100),
    java.time.Duration.ofMillis(250),
    java.time.Duration.ofMillis(500),
    java.time.Duration.ofSeconds(1),
    java.time.Duration.ofMillis(2500),
    java.time.Duration.ofSeconds(5),
    java.time.Duration.ofSeconds(10),
    java.time.Duration.ofSeconds(30),
    java.time.Duration.ofSeconds(60),
  };

  /** The buckets of {@link #LATENCY_BUCKETS}, a copy for each timer builder. */
  public static java.time.Duration[] latencyBuckets() {
    return LATENCY_BUCKETS.clone();
  }
}
