package io.lagscaler.loadtest.local;

import io.lagscaler.act.Leadership;
import io.lagscaler.act.ScaleChange;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.controller.TargetStatus;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.loadtest.services.LocalStack;
import io.lagscaler.loadtest.services.ServiceProcess;
import io.lagscaler.loadtest.sim.Autoscaler;
import io.lagscaler.loadtest.sim.KedaAutoscaler;
import io.lagscaler.loadtest.sim.Scenario;
import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.LagReader;
import io.lagscaler.services.common.kafka.KafkaClients;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.lagscaler.services.testkit.Orders;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One demo run: a local Kafka broker and Redis, store-totals as local processes starting at one
 * replica, orders produced to Kafka at the profile's rate, and one policy scaling the replicas.
 * lag-scaler runs as deployed (the real {@link Controller} with {@link LocalProcessScaler} as its
 * act step); KEDA is the simulator's transcription of its Kafka scaler and the HPA, driving the
 * same scaler from the same offsets. One sample a second, measured the same way for both.
 */
public final class DemoRun {

  /** What a run needs; the rates are orders per second. */
  public record Settings(
      String policy,
      Profile profile,
      int durationSeconds,
      int partitions,
      int processingCostMicros,
      int maxReplicas,
      Duration targetLag,
      Duration scaleDownWindow,
      Path servicesDir,
      Path logDir) {}

  /** One second of the run. */
  public record Sample(
      int second,
      double arrivalRate,
      double consumptionRate,
      long lag,
      double timeLagSeconds,
      int desired,
      int ready,
      String reason) {}

  /** A change of the desired replicas, with the policy's reason. */
  public record Event(int second, int from, int to, String reason, String explanation) {}

  /** Everything a run measured. */
  public record Result(
      String policy,
      String profile,
      Settings settings,
      List<Sample> samples,
      List<Event> events,
      long produced,
      long consumed) {}

  static final String TOPIC = "orders";
  static final String GROUP = "store-totals";
  static final WorkloadRef WORKLOAD =
      new WorkloadRef("local", WorkloadKind.DEPLOYMENT, "store-totals");

  private final Settings settings;
  private final PrintStream live;

  public DemoRun(Settings settings, PrintStream live) {
    this.settings = settings;
    this.live = live;
  }

  /** Runs to the end and stops every process it started, also when it fails. */
  public Result run() throws Exception {
    Path jar = ServiceProcess.jar(settings.servicesDir(), "store-totals");
    live.println("[demo] " + settings.policy() + ": starting Kafka and Redis");
    try (LocalStack stack = LocalStack.start(true, false);
        KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers());
        LocalProcessScaler scaler = new LocalProcessScaler(Duration.ofSeconds(10))) {
      kafka.createTopic(TOPIC, settings.partitions());
      Map<String, String> env = new LinkedHashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
      env.put("REDIS_URI", stack.redisUri());
      env.put("ORDERS_PARTITIONS", Integer.toString(settings.partitions()));
      env.put("CONSUMER_GROUP", GROUP);
      env.put("TRACING_SAMPLE_RATE", "0");
      env.put("PROCESSING_COST_MICROS", Integer.toString(settings.processingCostMicros()));
      // About a second of work per batch: a rebalance waits for every member's batch to finish,
      // and the default 500 records would be 10 s of work at 20 ms each.
      env.put(
          "MAX_POLL_RECORDS",
          Integer.toString(Math.max(10, 1_000_000 / settings.processingCostMicros())));
      Path logs = settings.logDir().resolve(settings.policy());
      scaler.register(
          WORKLOAD,
          new LocalProcessScaler.Workload(
              "store-totals",
              jar,
              env,
              List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto"),
              logs));
      scaler.scale(WORKLOAD, 1);
      awaitReady(scaler, Duration.ofMinutes(2));
      live.println("[demo] store-totals ready (1 replica, logs in " + logs + ")");
      try (Policy policy = policy(stack.bootstrapServers(), scaler)) {
        return drive(stack.bootstrapServers(), kafka, scaler, policy);
      }
    }
  }

  private Result drive(
      String bootstrap, KafkaTestClient kafka, LocalProcessScaler scaler, Policy policy)
      throws Exception {
    AtomicLong produced = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    long startNanos = System.nanoTime();
    Thread producer =
        Thread.ofPlatform()
            .name("demo-producer")
            .start(() -> produce(bootstrap, startNanos, produced, stop));
    List<Sample> samples = new ArrayList<>();
    List<Event> events = new ArrayList<>();
    List<long[]> logEnds = new ArrayList<>(); // [second, log end total]: for the time lag
    long lastEnd = 0;
    long lastCommitted = 0;
    double arrival = 0;
    double consumption = 0;
    long lastSampleNanos = startNanos;
    try {
      for (int t = 0; t < settings.durationSeconds(); t++) {
        sleepUntil(startNanos + Duration.ofSeconds(t + 1).toNanos());
        if (!producer.isAlive()) {
          throw new IllegalStateException("the producer stopped");
        }
        int before = scaler.desired(WORKLOAD);
        String reason = policy.tick(t + 1);
        ScaleState state = scaler.read(WORKLOAD);
        if (state.desired() != before) {
          events.add(new Event(t + 1, before, state.desired(), reason, policy.lastExplanation()));
        }
        long end = kafka.endOffsetTotal(TOPIC);
        long committed = Math.min(end, kafka.committedTotal(GROUP, TOPIC));
        logEnds.add(new long[] {t + 1, end});
        // Per second of wall time between samples: a sample delayed by a slow probe is followed
        // by one taken at once, and per-sample deltas would show that as a spike and a dip.
        long sampledAt = System.nanoTime();
        double elapsed = Math.max(0.05, (sampledAt - lastSampleNanos) / 1e9);
        lastSampleNanos = sampledAt;
        double in = (end - lastEnd) / elapsed;
        double outRate = (committed - lastCommitted) / elapsed;
        // Smoothed over about 3 s, like a dashboard's rate(): per-second counts are lumpy.
        double weight = Math.min(1, 0.4 * elapsed);
        arrival = t == 0 ? in : (1 - weight) * arrival + weight * in;
        consumption = t == 0 ? outRate : (1 - weight) * consumption + weight * outRate;
        lastEnd = end;
        lastCommitted = committed;
        Sample s =
            new Sample(
                t + 1,
                arrival,
                consumption,
                end - committed,
                timeLag(logEnds, committed, t + 1),
                state.desired(),
                state.ready(),
                reason);
        samples.add(s);
        live.println(line(s));
      }
    } finally {
      stop.set(true);
      producer.join(Duration.ofSeconds(30));
    }
    long consumed = kafka.committedTotal(GROUP, TOPIC);
    return new Result(
        settings.policy(),
        settings.profile().name(),
        settings,
        samples,
        events,
        produced.get(),
        consumed);
  }

  /**
   * The age of the oldest unconsumed message, to the second: how long ago the log end first passed
   * the committed offset. Measured from the broker, the same way for every policy.
   */
  static double timeLag(List<long[]> logEnds, long committed, int now) {
    for (long[] p : logEnds) {
      if (p[1] > committed) {
        return now - p[0] + 1;
      }
    }
    return 0;
  }

  private String line(Sample s) {
    return String.format(
        Locale.ROOT,
        "[%4ds] %-10s in %6.1f/s  out %6.1f/s  lag %6d  time lag %5.1fs  replicas %d desired"
            + " %d ready  %s",
        s.second(),
        settings.policy(),
        s.arrivalRate(),
        s.consumptionRate(),
        s.lag(),
        s.timeLagSeconds(),
        s.desired(),
        s.ready(),
        s.reason());
  }

  /** Sends the profile's orders in 100 ms slices, carrying fractions over, until stopped. */
  private void produce(String bootstrap, long startNanos, AtomicLong produced, AtomicBoolean stop) {
    Orders orders = new Orders(11, "demo", 200, 50_000, 2_000, Instant.now());
    double owed = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(KafkaClients.producer(bootstrap, "demo-load"))) {
      long slice = Duration.ofMillis(100).toNanos();
      for (long n = 1; !stop.get(); n++) {
        sleepUntil(startNanos + n * slice);
        double t = (System.nanoTime() - startNanos) / 1e9;
        owed += settings.profile().rate(t) / 10;
        while (owed >= 1) {
          Order order = orders.next(3);
          producer.send(
              new ProducerRecord<>(
                  TOPIC,
                  order.storeId().getBytes(StandardCharsets.UTF_8),
                  OrderJson.toBytes(order)));
          produced.incrementAndGet();
          owed -= 1;
        }
      }
      producer.flush();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitReady(LocalProcessScaler scaler, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (scaler.read(WORKLOAD).ready() < 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("store-totals was not ready within " + timeout);
      }
      Thread.sleep(200);
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(Duration.ofNanos(wait));
    }
  }

  // ---- policies -------------------------------------------------------------------------------

  private Policy policy(String bootstrap, LocalProcessScaler scaler) {
    return switch (settings.policy()) {
      case "lag-scaler" -> new LagScalerPolicy(bootstrap, scaler);
      case "keda" -> new KedaPolicy(bootstrap, scaler);
      default ->
          throw new IllegalArgumentException(
              "policy must be lag-scaler or keda, not " + settings.policy());
    };
  }

  /** A policy acting on the local scaler once a second. */
  private interface Policy extends AutoCloseable {
    /** Acts at {@code second} of the run; returns the last decision's reason. */
    String tick(int second) throws Exception;

    String lastExplanation();

    @Override
    void close();
  }

  /** The lag-scaler config the demo applies, as a user would write it. */
  String lagScalerConfig(String bootstrap) {
    double perReplica = 1_000_000.0 / settings.processingCostMicros();
    return String.format(
        Locale.ROOT,
        """
        kafka:
          bootstrapServers: %s
        pollInterval: 5s
        signals:
          rateWindow: 20s
        targets:
          - name: store-totals
            namespace: local
            kind: Deployment
            workload: store-totals
            consumerGroup: %s
            topics: [%s]
            offsetReset: earliest
            minReplicas: 1
            maxReplicas: %d
            targetLag: %ds
            priorReplicaRate: %.0f
            settleTime: 15s
            behavior:
              scaleDown:
                stabilizationWindow: %ds
        """,
        bootstrap,
        GROUP,
        TOPIC,
        settings.maxReplicas(),
        settings.targetLag().toSeconds(),
        perReplica,
        settings.scaleDownWindow().toSeconds());
  }

  /** lag-scaler as deployed: the real controller, with local processes as its act step. */
  private final class LagScalerPolicy implements Policy {
    private final Controller controller;
    private final LoggingDecisionRecorder recorder = new LoggingDecisionRecorder();
    private final int pollSeconds;
    private String reason = "START";
    private String explanation = "";

    LagScalerPolicy(String bootstrap, LocalProcessScaler scaler) {
      controller =
          new Controller(
              c ->
                  LagReader.connect(
                      Map.of("bootstrap.servers", c.kafka().bootstrapServers()),
                      Duration.ofSeconds(10),
                      Clock.systemUTC()),
              scaler,
              recorder,
              Leadership.alone("demo"),
              new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
              Clock.systemUTC(),
              rejection -> {},
              name -> null,
              false);
      if (!controller.offer(lagScalerConfig(bootstrap), "demo")) {
        throw new IllegalStateException(
            "the demo's lag-scaler config was rejected: "
                + controller.status().configRejection().map(r -> r.message()).orElse("?"));
      }
      pollSeconds = (int) controller.pollInterval().toSeconds();
    }

    @Override
    public String tick(int second) {
      if (second % pollSeconds != 0) {
        return reason;
      }
      ControllerStatus status = controller.pollOnce();
      TargetStatus target = status.targets().getFirst();
      reason =
          target
              .decision()
              .map(d -> d.reason().name())
              .orElse(target.action().name() + target.error().map(e -> " " + e).orElse(""));
      explanation = target.decision().map(d -> d.explanation()).orElse(reason);
      return reason;
    }

    @Override
    public String lastExplanation() {
      ScaleChange last = recorder.last();
      return last == null ? explanation : last.explanation();
    }

    @Override
    public void close() {
      controller.close();
    }
  }

  /**
   * KEDA's Kafka scaler feeding the HPA, transcribed in the simulator, with the lagThreshold a user
   * would pick for this workload: what one replica drains within the time-lag target.
   */
  private final class KedaPolicy implements Policy {
    private final LagReader reader;
    private final LocalProcessScaler scaler;
    private final KedaAutoscaler keda;
    private final GroupQuery query = GroupQuery.of(GROUP);
    private String reason = "START";
    private String explanation = "";
    private GroupOffsets.Read lastRead;

    KedaPolicy(String bootstrap, LocalProcessScaler scaler) {
      this.scaler = scaler;
      this.reader =
          LagReader.connect(
              Map.of("bootstrap.servers", bootstrap), Duration.ofSeconds(10), Clock.systemUTC());
      this.keda =
          new KedaAutoscaler(
              new Scenario.Keda(lagThreshold(), 0, 5, 300), 1, settings.maxReplicas(), 1);
    }

    long lagThreshold() {
      double perReplica = 1_000_000.0 / settings.processingCostMicros();
      return Math.max(1, Math.round(perReplica * settings.targetLag().toSeconds() / 2));
    }

    @Override
    public String tick(int second) throws ScalerException {
      ScaleState state = scaler.read(WORKLOAD);
      Autoscaler.Action action = keda.tick(second, this::read, state.desired(), state.ready());
      reason = action.reason();
      if (action.replicas() != state.desired()) {
        explanation =
            "KEDA lagThreshold "
                + lagThreshold()
                + ": "
                + state.desired()
                + " -> "
                + action.replicas()
                + " ("
                + action.reason()
                + ")";
        scaler.scale(WORKLOAD, action.replicas());
      }
      return reason;
    }

    private GroupOffsets.Read read() {
      GroupOffsets offsets = reader.poll(List.of(query)).groups().get(GROUP);
      if (offsets instanceof GroupOffsets.Read r) {
        lastRead = r;
        return r;
      }
      // A failed read: the HPA keeps using the last metric it got rather than seeing no lag.
      return lastRead != null
          ? lastRead
          : new GroupOffsets.Read(GROUP, GroupState.UNKNOWN, 0, GroupProtocol.UNKNOWN, List.of());
    }

    @Override
    public String lastExplanation() {
      return explanation;
    }

    @Override
    public void close() {
      reader.close();
    }
  }
}
