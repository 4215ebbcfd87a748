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
}
