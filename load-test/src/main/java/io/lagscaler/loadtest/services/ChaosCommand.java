package io.lagscaler.loadtest.services;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.testkit.Http;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Spot-interruption chaos against the real services: order-intake and several replicas of both
 * consumers run as {@code java -jar} processes; consumer processes are SIGKILLed at random moments
 * and replaced, and Redis and Neo4j are each stopped and restarted once (process stop and start,
 * data kept); afterwards the effect of every order is checked in Redis and in Neo4j.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "SIGKILL consumer replicas at random while orders flow, then verify every order in Redis"
            + " and Neo4j. Prints lost=N duplicated=N; exits 1 unless both are 0.")
public final class ChaosCommand implements Callable<Integer> {

  private static final List<String> CONSUMERS = List.of("store-totals", "purchase-graph");

  @Option(names = "--messages", defaultValue = "100000", description = "Orders to send.")
  int messages;

  @Option(names = "--kills", defaultValue = "10", description = "Consumer processes to SIGKILL.")
  int kills;

  @Option(names = "--out", required = true, description = "Directory for chaos.json and logs.")
  Path out;

  @Option(names = "--instances", defaultValue = "3", description = "Replicas of each consumer.")
  int instances;

  @Option(names = "--partitions", defaultValue = "12", description = "Partitions of the topic.")
  int partitions;

  @Option(names = "--batch", defaultValue = "500", description = "Orders per POST /orders/batch.")
  int batch;

  @Option(names = "--seed", defaultValue = "20261122", description = "Random seed.")
  long seed;

  @Option(
      names = "--services-dir",
      defaultValue = "services",
      description = "Where services/<name>/target/<name>.jar are.")
  Path servicesDir;

  @Option(
      names = "--store-restarts",
      defaultValue = "true",
      negatable = true,
      description =
          "Also stop and restart Redis and Neo4j (their processes), once each, while orders flow"
              + " (default: ${DEFAULT-VALUE}).")
  boolean storeRestarts;

  @Option(
      names = "--store-down",
      defaultValue = "PT3S",
      description = "How long each store stays down before its restart (ISO-8601).")
  Duration storeDown;

  @Option(
      names = "--timeout",
      defaultValue = "PT15M",
      description = "How long to wait for the consumers to catch up (ISO-8601).")
  Duration timeout;

  private final List<Map<String, Object>> killEvents = new ArrayList<>();
  private final List<Map<String, Object>> storeRestartEvents = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    // Before the first Kafka class logs: the broker and clients are chatty at INFO.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Files.createDirectories(out);
    Path logs = out.resolve("logs");
    Map<String, Path> jars = new LinkedHashMap<>();
    for (String service : List.of("order-intake", "store-totals", "purchase-graph")) {
      jars.put(service, ServiceProcess.jar(servicesDir, service));
    }
    Random random = new Random(seed);
    Instant started = Instant.now();
    log("starting Kafka, Redis and Neo4j");
    try (LocalStack stack = LocalStack.start(true, true);
        KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers())) {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
      env.put("ORDERS_PARTITIONS", Integer.toString(partitions));
      env.put("REDIS_URI", stack.redisUri());
      env.put("NEO4J_URI", stack.boltUri());
      env.put("TRACING_SAMPLE_RATE", "0");
      env.put("SHUTDOWN_GRACE", "10s");

      ServiceProcess intake =
          ServiceProcess.start("order-intake", jars.get("order-intake"), env, logs, "-Xmx384m")
              .awaitReady(Duration.ofSeconds(60));
      AtomicInteger started0 = new AtomicInteger();
      List<ServiceProcess> consumers = new ArrayList<>();
      for (String service : CONSUMERS) {
        for (int i = 0; i < instances; i++) {
          consumers.add(startConsumer(service, jars, env, logs, started0));
        }
      }
      for (ServiceProcess consumer : consumers) {
        consumer.awaitReady(Duration.ofSeconds(90));
      }
      log(
          "running: order-intake, "
              + instances
              + " x store-totals, "
              + instances
              + " x purchase-graph");

      Orders generator =
          new Orders(seed, "chaos", 50, 5_000, 500, Instant.parse("2026-11-22T00:00:00Z"));
      List<Order> orders = generator.next(messages, 3);
      Thread sender = Thread.ofPlatform().name("sender").start(() -> send(intake, orders));

      // Each kill waits for its service's group to pass a random point of the stream, so kills
      // land mid-stream for both consumers however fast each one is.
      List<PlannedKill> plan = planKills(random);
      long killDeadline = System.nanoTime() + timeout.toNanos();
      List<Thread> killers = new ArrayList<>();
      for (String service : CONSUMERS) {
        List<PlannedKill> mine = plan.stream().filter(k -> k.service().equals(service)).toList();
        Random own = new Random(random.nextLong());
        killers.add(
            Thread.ofPlatform()
                .name("killer-" + service)
                .start(
                    () ->
                        runKills(
                            mine,
                            own,
                            killDeadline,
                            kafka,
                            consumers,
                            jars,
                            env,
                            logs,
                            started0,
                            started)));
      }
      if (storeRestarts) {
        double redisAt = 0.2 + 0.3 * random.nextDouble();
        double neo4jAt = 0.2 + 0.3 * random.nextDouble();
        killers.add(
            Thread.ofPlatform()
                .name("store-restarts")
                .start(() -> restartStores(stack, kafka, redisAt, neo4jAt, killDeadline, started)));
      }
      for (Thread killer : killers) {
        killer.join();
      }
      if (storeRestarts && storeRestartEvents.size() != 2) {
        throw new IllegalStateException(
            "only "
                + storeRestartEvents.size()
                + " of 2 store restarts happened; see the log above");
      }
      if (killEvents.size() != kills) {
        throw new IllegalStateException(
            "only " + killEvents.size() + " of " + kills + " kills happened; see the log above");
      }
      sender.join();
      log("all " + orders.size() + " orders accepted; waiting for both groups to catch up");

      long deadline = System.nanoTime() + timeout.toNanos();
      while (!(kafka.caughtUp("store-totals", "orders")
          && kafka.caughtUp("purchase-graph", "orders"))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "consumers did not catch up within "
                  + timeout
                  + ": store-totals "
                  + kafka.committedTotal("store-totals", "orders")
                  + ", purchase-graph "
                  + kafka.committedTotal("purchase-graph", "orders")
                  + " of "
                  + kafka.endOffsetTotal("orders"));
        }
        Thread.sleep(500);
      }
      log("caught up; verifying every order in Redis and Neo4j");
      Verifier.Result result = Verifier.verify(orders, stack.redisUri(), stack.boltUri());

      for (ServiceProcess consumer : consumers) {
        consumer.stop(Duration.ofSeconds(15));
      }
      intake.stop(Duration.ofSeconds(15));

      Map<String, Object> report = new LinkedHashMap<>();
      report.put("sent", orders.size());
      report.put("lost", result.lost());
      report.put("duplicated", result.duplicated());
      report.put("kills", killEvents.size());
      report.put("lostRedis", result.lostRedis());
      report.put("duplicatedRedis", result.duplicatedRedis());
      report.put("lostNeo4j", result.lostNeo4j());
      report.put("duplicatedNeo4j", result.duplicatedNeo4j());
      report.put("mismatchedStoreDays", result.mismatchedStoreDays());
      report.put("recordsInTopic", kafka.endOffsetTotal("orders"));
      report.put("instancesPerConsumer", instances);
      report.put("partitions", partitions);
      report.put("durationSeconds", Duration.between(started, Instant.now()).toSeconds());
      report.put("killEvents", killEvents);
      report.put("storeRestarts", storeRestartEvents);
      report.put("problems", result.examples());
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValue(out.resolve("chaos.json").toFile(), report);
      System.out.println("lost=" + result.lost() + " duplicated=" + result.duplicated());
      boolean clean =
          result.lost() == 0 && result.duplicated() == 0 && result.mismatchedStoreDays() == 0;
      return clean ? 0 : 1;
    }
  }

  // One thread per service, so a fast service's kills are not held back behind a slow one's.
  private void runKills(
      List<PlannedKill> plan,
      Random random,
      long deadline,
      KafkaTestClient kafka,
      List<ServiceProcess> consumers,
      Map<String, Path> jars,
      Map<String, String> env,
      Path logs,
      AtomicInteger counter,
      Instant started) {
    try {
      for (PlannedKill planned : plan) {
        if (!awaitCommitted(kafka, planned.service(), planned.fraction(), deadline)) {
          return;
        }
        ServiceProcess target;
        ServiceProcess replacement;
        long committed = kafka.committedTotal(planned.service(), "orders");
        synchronized (consumers) {
          List<Integer> candidates = new ArrayList<>();
          for (int i = 0; i < consumers.size(); i++) {
            if (serviceOf(consumers.get(i)).equals(planned.service())) {
              candidates.add(i);
            }
          }
          int victim = candidates.get(random.nextInt(candidates.size()));
          target = consumers.get(victim);
          target.kill();
          replacement = startConsumer(planned.service(), jars, env, logs, counter);
          consumers.set(victim, replacement);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("atSeconds", Duration.between(started, Instant.now()).toMillis() / 1000.0);
        event.put("service", planned.service());
        event.put("pid", target.pid());
        event.put("groupCommittedAtKill", committed);
        synchronized (killEvents) {
          killEvents.add(event);
        }
        log(
            "SIGKILL "
                + target.name()
                + " (pid "
                + target.pid()
                + ") at "
                + committed
                + " committed; started "
                + replacement.name());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Restarts Redis once store-totals has committed {@code redisAt} of the orders, and Neo4j once
   * purchase-graph has committed {@code neo4jAt}: a process stop and start each, while the
   * consumers (and the kills) carry on.
   */
  private void restartStores(
      LocalStack stack,
      KafkaTestClient kafka,
      double redisAt,
      double neo4jAt,
      long deadline,
      Instant started) {
    record Restart(String store, String service, double fraction) {}
    List<Restart> plan =
        new ArrayList<>(
            List.of(
                new Restart("redis", "store-totals", redisAt),
                new Restart("neo4j", "purchase-graph", neo4jAt)));
    plan.sort(java.util.Comparator.comparingDouble(Restart::fraction));
    try {
      for (Restart restart : plan) {
        if (!awaitCommitted(kafka, restart.service(), restart.fraction(), deadline)) {
          return;
        }
        long committed = kafka.committedTotal(restart.service(), "orders");
        double at = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        log("stopping " + restart.store() + " at " + committed + " committed " + restart.service());
        long stoppedAt = System.nanoTime();
        if (restart.store().equals("redis")) {
          stack.restartRedis(storeDown);
        } else {
          stack.restartNeo4j(storeDown);
        }
        double downSeconds = (System.nanoTime() - stoppedAt) / 1e9;
        log(String.format("%s is back after %.1f s", restart.store(), downSeconds));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("atSeconds", at);
        event.put("store", restart.store());
        event.put("downSeconds", Math.round(downSeconds * 10) / 10.0);
        event.put("groupCommittedAtStop", committed);
        synchronized (storeRestartEvents) {
          storeRestartEvents.add(event);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until {@code service}'s group has committed {@code fraction} of the orders; false (and a
   * log line) when the deadline passed first.
   */
  private boolean awaitCommitted(
      KafkaTestClient kafka, String service, double fraction, long deadline)
      throws InterruptedException {
    long threshold = (long) (fraction * messages);
    while (kafka.committedTotal(service, "orders") < threshold) {
      if (System.nanoTime() > deadline) {
        log(service + " did not reach " + threshold + " committed orders in time");
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  /** A kill of one replica of {@code service} once its group has committed this much. */
  private record PlannedKill(String service, double fraction) {}

  // Kills alternate between the services; each service's points are spread over 5-95% of the
  // stream and taken in order.
  private List<PlannedKill> planKills(Random random) {
    Map<String, List<Double>> points = new LinkedHashMap<>();
    for (int i = 0; i < kills; i++) {
      points
          .computeIfAbsent(CONSUMERS.get(i % CONSUMERS.size()), k -> new ArrayList<>())
          .add(0.05 + 0.9 * random.nextDouble());
    }
    List<PlannedKill> plan = new ArrayList<>();
    points.forEach(
        (service, fractions) ->
            fractions.stream().sorted().forEach(f -> plan.add(new PlannedKill(service, f))));
    return plan;
  }

  private ServiceProcess startConsumer(
      String service, Map<String, Path> jars, Map<String, String> env, Path logs, AtomicInteger n) {
    return ServiceProcess.start(
        service + "-" + n.incrementAndGet(), jars.get(service), env, logs, "-Xmx256m");
  }

  private static String serviceOf(ServiceProcess process) {
    return process.name().substring(0, process.name().lastIndexOf('-'));
  }

  private void send(ServiceProcess intake, List<Order> orders) {
    for (int from = 0; from < orders.size(); from += batch) {
      List<Order> slice = orders.subList(from, Math.min(orders.size(), from + batch));
      String body = Http.json(slice.stream().map(OrderJson::toNode).toList());
      // At-least-once from the client too: a failed or unanswered POST is sent again, and the
      // stores' idempotency absorbs a batch that was in fact published.
      for (int attempt = 1; ; attempt++) {
        try {
          Http.Response response = Http.post(intake.url("/orders/batch"), body);
          if (response.status() == 202) {
            break;
          }
          if (response.status() == 400 || response.status() == 413) {
            throw new IllegalStateException(
                "intake rejected a generated batch: " + response.body());
          }
        } catch (RuntimeException e) {
          if (attempt >= 20 || e instanceof IllegalStateException) {
            throw e;
          }
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private static void log(String message) {
    System.err.println("[chaos] " + message);
  }
}
