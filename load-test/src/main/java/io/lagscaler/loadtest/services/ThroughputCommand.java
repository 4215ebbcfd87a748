package io.lagscaler.loadtest.services;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.devstack.ChildProcesses;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.consumer.StoreLimit;
import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * One consumer replica's sustained rate against its real store, next to two yardsticks measured in
 * the same run: a bare KafkaConsumer reading the same records (the ceiling the broker and the
 * client allow), and the store alone (the service's own store class, run from the service's jar,
 * writing the same batches the bare consumer polled, with no Kafka, parsing or commits in the way).
 * The store limit is what a replica can at best reach, so {@code ratioToStoreLimit} is how much of
 * its store the consumer pipeline uses.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description =
        "Sustained msgs/s of one store-totals or purchase-graph replica vs a bare KafkaConsumer"
            + " and vs its store alone.")
public final class ThroughputCommand implements Callable<Integer> {

  @Option(names = "--service", required = true, description = "store-totals or purchase-graph")
  String service;

  @Option(names = "--messages", defaultValue = "200000", description = "Orders to pre-load.")
  int messages;

  @Option(names = "--items", defaultValue = "3", description = "Items per order.")
  int items;

  @Option(names = "--partitions", defaultValue = "12", description = "Partitions of the topic.")
  int partitions;

  @Option(
      names = "--warm-up",
      defaultValue = "true",
      negatable = true,
      description =
          "Before the store alone is measured, run it once unmeasured and empty the store, so that"
              + " the store server (Neo4j's JVM above all) is as warm for the measured store-alone"
              + " pass as for the replica after it (default: ${DEFAULT-VALUE}).")
  boolean warmUp;

  @Option(
      names = "--steady-from",
      defaultValue = "0.25",
      description =
          "Leave this share of the stream out of both timed rates (the replica's first committed"
              + " records, the store alone's first batches): JVM start, the JIT's warm-up and"
              + " connection set-up, so both rates are steady state (default: ${DEFAULT-VALUE}).")
  double steadyFrom;

  @Option(names = "--json", description = "Print one JSON line only.")
  boolean json;

  @Option(
      names = "--services-dir",
      defaultValue = "services",
      description = "Where services/<name>/target/<name>.jar are.")
  Path servicesDir;

  @Option(
      names = "--env",
      description = "An extra environment variable for the replica, KEY=VALUE (repeatable).")
  Map<String, String> extraEnv = new LinkedHashMap<>();

  @Option(
      names = "--jvm-flag",
      description = "A JVM flag for the replica (repeatable); default -Xmx512m.")
  List<String> jvmFlags = new ArrayList<>(List.of("-Xmx512m"));

  @Override
  public Integer call() throws Exception {
    // Before the first Kafka class logs: the broker and clients are chatty at INFO.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (!service.equals("store-totals") && !service.equals("purchase-graph")) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--service must be store-totals or purchase-graph, not " + service);
    }
    Path jar = ServiceProcess.jar(servicesDir, service);
    boolean redis = service.equals("store-totals");
    log("starting Kafka and " + (redis ? "Redis" : "Neo4j"));
    try (LocalStack stack = LocalStack.start(redis, !redis);
        KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
      kafka.createTopic("orders", partitions);
      List<Order> orders =
          new Orders(7, "tp", 100, 20_000, 1_000, Instant.parse("2026-11-22T00:00:00Z"))
              .next(messages, items);
      preload(stack.bootstrapServers(), orders);
      log("loaded " + messages + " orders; bare consumer first");

      int maxPollRecords =
          Integer.parseInt(
              extraEnv.getOrDefault(
                  "MAX_POLL_RECORDS", Integer.toString(ServiceConfig.DEFAULT_MAX_POLL_RECORDS)));
      List<List<byte[]>> polled = new ArrayList<>();
      double bare = bareConsumerRate(stack.bootstrapServers(), messages, maxPollRecords, polled);
      log(String.format("bare consumer: %.0f msgs/s in %d batches", bare, polled.size()));

      Map<String, String> env = new LinkedHashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
      env.put("ORDERS_PARTITIONS", Integer.toString(partitions));
      env.put("CONSUMER_GROUP", service + "-throughput");
      env.put("TRACING_SAMPLE_RATE", "0");
      if (redis) {
        env.put("REDIS_URI", stack.redisUri());
      } else {
        env.put("NEO4J_URI", stack.boltUri());
      }
      env.putAll(extraEnv);
      Path logs = Files.createTempDirectory("lagscaler-throughput-");
      log("logs in " + logs);

      Path batches = logs.resolve("batches.jsonl");
      int untimed = Math.max(1, (int) Math.ceil(polled.size() * steadyFrom));
      StoreLimit.writeBatches(batches, polled);
      polled.clear();
      String storeUri = redis ? stack.redisUri() : stack.boltUri();
      if (warmUp) {
        log("warming the store up: the same batches once, unmeasured");
        storeLimit("-store-warm-up", jar, env, batches, untimed, logs);
        StoreReset.empty(storeUri);
      }
      log("the store alone: the same batches through the service's store class");
      double limit = storeLimit("-store-limit", jar, env, batches, untimed, logs);
      log(String.format("store limit: %.0f msgs/s; emptying the store for the replica", limit));
      StoreReset.empty(storeUri);
      ServiceProcess replica = ServiceProcess.start(service, jar, env, logs, jvmFlags);
      double rate;
      Map<String, Double> breakdown;
      try {
        rate = serviceRate(kafka, replica, service + "-throughput", messages, steadyFrom);
        breakdown = breakdown(replica);
      } finally {
        replica.stop(Duration.ofSeconds(15));
      }
      log(String.format("%s: %.0f msgs/s", service, rate));

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("service", service);
      result.put("messages", messages);
      result.put("itemsPerOrder", items);
      result.put("partitions", partitions);
      result.put("steadyFrom", steadyFrom);
      result.put("messagesPerSecond", Math.round(rate));
      result.put("bareConsumerMessagesPerSecond", Math.round(bare));
      result.put("ratio", Math.round(rate / bare * 1000) / 1000.0);
      result.put("storeLimitMessagesPerSecond", Math.round(limit));
      result.put("ratioToStoreLimit", Math.round(rate / limit * 1000) / 1000.0);
      result.putAll(breakdown);
      String line = new ObjectMapper().writeValueAsString(result);
      if (json) {
        System.out.println(line);
      } else {
        System.out.println(
            service
                + ": "
                + Math.round(rate)
                + " msgs/s; bare consumer "
                + Math.round(bare)
                + " msgs/s; ratio "
                + result.get("ratio")
                + "; store limit "
                + Math.round(limit)
                + " msgs/s; ratio to the store limit "
                + result.get("ratioToStoreLimit"));
      }
      return 0;
    }
  }

  private static void preload(String bootstrapServers, List<Order> orders) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrapServers, "preload"))) {
      List<Future<RecordMetadata>> futures = new ArrayList<>(orders.size());
      for (Order order : orders) {
        futures.add(
            producer.send(
                new ProducerRecord<>(
                    "orders",
                    order.storeId().getBytes(StandardCharsets.UTF_8),
                    OrderJson.toBytes(order))));
      }
      for (Future<RecordMetadata> f : futures) {
        f.get();
      }
    }
  }

  /**
   * Messages per second from the first record to the last, polling only; each poll's record values
   * are added to {@code polled}, the batches a replica with the same max.poll.records would see.
   */
  private static double bareConsumerRate(
      String bootstrapServers, int messages, int maxPollRecords, List<List<byte[]>> polled) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "bare-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of("orders"));
      long seen = 0;
      long first = 0;
      long firstCount = 0;
      long last = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (seen < messages && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        if (first == 0) {
          // Timing starts after the first batch, like the replica's (after its first commit).
          first = System.nanoTime();
          firstCount = records.count();
        }
        seen += records.count();
        last = System.nanoTime();
        List<byte[]> values = new ArrayList<>(records.count());
        records.forEach(r -> values.add(r.value()));
        polled.add(values);
      }
      if (seen < messages) {
        throw new IllegalStateException("the bare consumer read only " + seen + " records");
      }
      return (seen - firstCount) / ((last - first) / 1e9);
    }
  }

  /** Runs {@code <service>.jar store-limit FILE} and reads its messages per second. */
  private double storeLimit(
      String suffix, Path jar, Map<String, String> env, Path batches, int untimed, Path logs)
      throws java.io.IOException {
    String out =
        ServiceProcess.runToEnd(
            service + suffix,
            jar,
            env,
            List.of(StoreLimit.COMMAND, batches.toString(), Integer.toString(untimed)),
            logs,
            jvmFlags,
            Duration.ofMinutes(20));
    String line = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    return new ObjectMapper().readTree(line).get("messagesPerSecond").asDouble();
  }

  /**
   * Committed records per second of the replica's group, from the first commit seen at or past
   * {@code from} of the stream to its last: the rate of work done and made durable, excluding JVM
   * start, group join and the JIT's warm-up.
   */
  private static double serviceRate(
      KafkaTestClient kafka, ServiceProcess replica, String group, int messages, double from)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    long firstAt = 0;
    long firstCommitted = 0;
    while (System.nanoTime() < deadline) {
      long committed = kafka.committedTotal(group, "orders");
      long now = System.nanoTime();
      if (firstAt == 0 && committed > 0 && committed >= from * messages) {
        firstAt = now;
        firstCommitted = committed;
      }
      if (committed >= messages) {
        return (committed - firstCommitted) / ((now - firstAt) / 1e9);
      }
      if (!replica.isAlive()) {
        throw new IllegalStateException(
            "the replica exited after "
                + committed
                + " committed records: "
                + ChildProcesses.tail(replica.log()));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "the " + group + " group committed only " + kafka.committedTotal(group, "orders"));
  }

  /**
   * Where the replica's time went, from its own /metrics: mean batch size, mean time from poll to
   * commit (which includes waiting for the store thread), and mean store call.
   */
  private static Map<String, Double> breakdown(ServiceProcess replica) {
    String metrics = io.lagscaler.services.testkit.Http.get(replica.url("/metrics")).body();
    double batchSum = metric(metrics, "orders_batch_duration_seconds_sum");
    double batchCount = metric(metrics, "orders_batch_duration_seconds_count");
    double storeSum = metric(metrics, "orders_store_call_seconds_sum{outcome=\"success\"");
    double storeCount = metric(metrics, "orders_store_call_seconds_count{outcome=\"success\"");
    double sizeSum = metric(metrics, "orders_batch_size_sum");
    double sizeCount = metric(metrics, "orders_batch_size_count");
    Map<String, Double> result = new LinkedHashMap<>();
    result.put("meanBatchSize", Math.round(sizeSum / sizeCount * 10) / 10.0);
    result.put("meanBatchMillis", Math.round(batchSum / batchCount * 10_000) / 10.0);
    result.put("meanStoreCallMillis", Math.round(storeSum / storeCount * 10_000) / 10.0);
    return result;
  }

  private static double metric(String text, String prefix) {
    return text.lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private static void log(String message) {
    System.err.println("[throughput] " + message);
  }
}
