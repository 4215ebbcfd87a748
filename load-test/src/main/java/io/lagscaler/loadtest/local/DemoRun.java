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
import io.lagscaler.http.StatusServer;
import io.lagscaler.loadtest.live.LiveBoard;
import io.lagscaler.loadtest.load.GroupMeter;
import io.lagscaler.loadtest.load.IntakeSink;
import io.lagscaler.loadtest.load.Keys;
import io.lagscaler.loadtest.load.LoadGenerator;
import io.lagscaler.loadtest.load.Profile;
import io.lagscaler.loadtest.load.Recorder;
import io.lagscaler.loadtest.report.RunResult;
import io.lagscaler.loadtest.report.RunResult.Sample;
import io.lagscaler.loadtest.services.LocalStack;
import io.lagscaler.loadtest.services.MetricsEndpoint;
import io.lagscaler.loadtest.services.ServiceProcess;
import io.lagscaler.loadtest.sim.Autoscaler;
import io.lagscaler.loadtest.sim.KedaAutoscaler;
import io.lagscaler.loadtest.sim.Scenario;
import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupProtocol;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.LagReader;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One demo run: a local Kafka broker, Redis and Neo4j; order-intake as one local process taking the
 * profile's orders over HTTP; store-totals as local processes starting at one replica, scaled by
 * one policy; purchase-graph at one replica as lag-scaler's second target (bounds 1 to 1, so it is
 * observed and explained but never scaled). lag-scaler runs as deployed (the real {@link
 * Controller} with {@link LocalProcessScaler} as its act step, its /metrics and /status served over
 * HTTP); KEDA is the simulator's transcription of its Kafka scaler and the HPA, driving the same
 * scaler from the same offsets. One sample a second, measured the same way for both.
 */
public final class DemoRun {

  /** What a run needs; the rates are orders per second. */
  public record Settings(
      String policy,
      Profile profile,
      Keys keys,
      int durationSeconds,
      int partitions,
      int processingCostMicros,
      String processingCostMode,
      int maxReplicas,
      Duration targetLag,
      Duration scaleDownWindow,
      Path servicesDir,
      Path logDir,
      Path out,
      int metricsPort) {}

  static final String TOPIC = "orders";
  static final String GROUP = "store-totals";
  static final WorkloadRef WORKLOAD =
      new WorkloadRef("local", WorkloadKind.DEPLOYMENT, "store-totals");
  static final WorkloadRef GRAPH =
      new WorkloadRef("local", WorkloadKind.DEPLOYMENT, "purchase-graph");
  private static final List<String> JVM_FLAGS =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xshare:auto");

  private final Settings settings;
  private final PrintStream live;
  private final LiveBoard.Run board;
  private final Optional<DemoZipkin> zipkin;
  private volatile TraceFinder traces;

  /**
   * @param board where the live page gets this run's seconds
   * @param zipkin where the services report a sample of orders, when there is one
   */
  public DemoRun(
      Settings settings, PrintStream live, LiveBoard.Run board, Optional<DemoZipkin> zipkin) {
    this.settings = settings;
    this.live = live;
    this.board = board;
    this.zipkin = zipkin;
  }

  /** The Zipkin page of a sampled order's trace through all three services, once one is found. */
  public Optional<String> traceUrl() {
    TraceFinder finder = traces;
    return finder == null || zipkin.isEmpty()
        ? Optional.empty()
        : finder.traceId().map(zipkin.get()::traceUrl);
  }

  /** Runs to the end and stops every process it started, also when it fails. */
  public RunResult run() throws Exception {
    Path storeTotals = ServiceProcess.jar(settings.servicesDir(), "store-totals");
    Path purchaseGraph = ServiceProcess.jar(settings.servicesDir(), "purchase-graph");
    Path orderIntake = ServiceProcess.jar(settings.servicesDir(), "order-intake");
    say("starting Kafka, Redis and Neo4j");
    try (LocalStack stack = LocalStack.start(true, true);
        KafkaTestClient kafka = new KafkaTestClient(stack.bootstrapServers());
        LocalProcessScaler scaler = new LocalProcessScaler(Duration.ofSeconds(10))) {
      kafka.createTopic(TOPIC, settings.partitions());
      Map<String, String> env = new LinkedHashMap<>();
      env.put("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers());
      env.put("ORDERS_PARTITIONS", Integer.toString(settings.partitions()));
      env.putAll(
          zipkin
              .map(z -> z.serviceEnv(DemoZipkin.SAMPLE_RATE))
              .orElse(Map.of("TRACING_SAMPLE_RATE", "0")));
      Map<String, String> totalsEnv = new LinkedHashMap<>(env);
      totalsEnv.put("REDIS_URI", stack.redisUri());
      totalsEnv.put("CONSUMER_GROUP", GROUP);
      totalsEnv.put("PROCESSING_COST_MICROS", Integer.toString(settings.processingCostMicros()));
      totalsEnv.put("PROCESSING_COST_MODE", settings.processingCostMode());
      // About a second of work per batch: a rebalance waits for every member's batch to finish,
      // and the default 500 records would be 10 s of work at 20 ms each.
      totalsEnv.put(
          "MAX_POLL_RECORDS",
          Integer.toString(Math.max(10, 1_000_000 / settings.processingCostMicros())));
      Map<String, String> graphEnv = new LinkedHashMap<>(env);
      graphEnv.put("NEO4J_URI", stack.boltUri());
      graphEnv.put("CONSUMER_GROUP", "purchase-graph");
      Path logs = settings.logDir().resolve(settings.policy());
      scaler.register(
          WORKLOAD,
          new LocalProcessScaler.Workload("store-totals", storeTotals, totalsEnv, JVM_FLAGS, logs));
      scaler.register(
          GRAPH,
          new LocalProcessScaler.Workload(
              "purchase-graph", purchaseGraph, graphEnv, JVM_FLAGS, logs));
      ServiceProcess intake =
          ServiceProcess.start("order-intake-1", orderIntake, env, logs, JVM_FLAGS);
      try {
        scaler.scale(WORKLOAD, 1);
        scaler.scale(GRAPH, 1);
        intake.awaitReady(Duration.ofMinutes(2));
        awaitReady(scaler, WORKLOAD, Duration.ofMinutes(2));
        awaitReady(scaler, GRAPH, Duration.ofMinutes(2));
        say(
            "order-intake, store-totals and purchase-graph ready (1 replica each, logs in "
                + logs
                + ")");
        try (Policy policy = policy(stack.bootstrapServers(), scaler)) {
          List<MetricsEndpoint> fixed = new ArrayList<>();
          policy.metrics().ifPresent(fixed::add);
          fixed.add(
              new MetricsEndpoint("order-intake", intake.name(), intake.address(), "/metrics"));
          fixed.addAll(stack.metricsEndpoints());
          return drive(stack.bootstrapServers(), intake, scaler, policy, fixed);
        }
      } finally {
        intake.stop(Duration.ofSeconds(10));
      }
    }
  }

  private RunResult drive(
      String bootstrap,
      ServiceProcess intake,
      LocalProcessScaler scaler,
      Policy policy,
      List<MetricsEndpoint> fixedEndpoints)
      throws Exception {
    ScrapeTargets targets =
        new ScrapeTargets(settings.out().resolve("prometheus").resolve("targets.json"));
    String runId =
        "demo-" + settings.policy() + "-" + Long.toString(System.currentTimeMillis(), 36);
    LoadGenerator generator =
        new LoadGenerator(
            settings.profile(),
            settings.keys(),
            new IntakeSink(intake.url(""), Duration.ofSeconds(10)),
            256,
            runId);
    try (GroupMeter meter = new GroupMeter(Map.of("bootstrap.servers", bootstrap), GROUP, TOPIC);
        TraceFinder finder = watchTraces()) {
      Recorder recorder =
          new Recorder(
              generator,
              Optional.of(meter),
              OptionalInt.of(scaler.desired(WORKLOAD)),
              m -> live.println("[demo] load " + m));
      targets.update(endpoints(fixedEndpoints, scaler));
      generator.start();
      try {
        for (int t = 1; t <= settings.durationSeconds(); t++) {
          sleepUntil(generator.startNanos() + Duration.ofSeconds(t).toNanos());
          String reason = policy.tick(t);
          ScaleState state = scaler.read(WORKLOAD);
          targets.update(endpoints(fixedEndpoints, scaler));
          Sample s =
              recorder.record(
                  t,
                  OptionalInt.of(state.desired()),
                  OptionalInt.of(state.ready()),
                  reason,
                  policy.lastExplanation());
          live.println(line(s));
          board.second(s, recorder.events(), policy.decisionExplanation());
        }
      } finally {
        generator.stop();
        board.finish();
      }
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("processingCostMicros", settings.processingCostMicros());
      figures.put("processingCostMode", settings.processingCostMode());
      figures.put("partitions", settings.partitions());
      figures.put("keys", settings.keys().spec());
      if (finder != null) {
        figures.put("traceUrl", traceUrl().orElse(null));
        figures.put(
            "traceFile",
            finder
                .save(settings.out().resolve("trace-" + settings.policy() + ".json"))
                .map(f -> f.toAbsolutePath().toString())
                .orElse(null));
      }
      return recorder.result(
          settings.policy(),
          settings.profile().name(),
          "lag-scaler local demo",
          description(),
          settings.targetLag(),
          figures,
          "intake",
          generator.stop());
    }
  }

  /** With Zipkin: looks for this run's first complete order trace while the load runs. */
  private TraceFinder watchTraces() {
    if (zipkin.isEmpty()) {
      return null;
    }
    traces =
        new TraceFinder(zipkin.get().url(), Instant.now())
            .watch(
                id -> {
                  String url = zipkin.get().traceUrl(id);
                  board.traceUrl(url);
                  live.println(
                      "[demo] a sampled order's trace through order-intake, Kafka, store-totals"
                          + " and purchase-graph: "
                          + url);
                });
    return traces;
  }

  /** A line of the live view, also shown on the page while the run has no seconds yet. */
  private void say(String message) {
    live.println("[demo] " + settings.policy() + ": " + message);
    board.note(message);
  }

  private static List<MetricsEndpoint> endpoints(
      List<MetricsEndpoint> fixed, LocalProcessScaler scaler) throws ScalerException {
    List<MetricsEndpoint> all = new ArrayList<>(fixed);
    all.addAll(scaler.metricsEndpoints(WORKLOAD));
    all.addAll(scaler.metricsEndpoints(GRAPH));
    return all;
  }

  private String description() {
    return String.format(
        Locale.ROOT,
        "Profile `%s`, %d s, orders through order-intake (keys %s), store-totals with a processing"
            + " cost of %d us per order (%s; one replica serves at most %.0f orders/s), %d"
            + " partitions, time-lag target %d s; purchase-graph at 1 replica as a second target.",
        settings.profile().name(),
        settings.durationSeconds(),
        settings.keys().spec(),
        settings.processingCostMicros(),
        settings.processingCostMode(),
        1e6 / settings.processingCostMicros(),
        settings.partitions(),
        settings.targetLag().toSeconds());
  }

  private String line(Sample s) {
    return String.format(
        Locale.ROOT,
        "[%4ds] %-10s in %6.1f/s  out %s/s  lag %6s  time lag %5ss  replicas %d desired"
            + " %d ready  %s",
        s.second(),
        settings.policy(),
        s.arrivalRate(),
        s.consumptionRate().isPresent()
            ? String.format(Locale.ROOT, "%6.1f", s.consumptionRate().getAsDouble())
            : "     ?",
        s.lag().isPresent() ? Long.toString(s.lag().getAsLong()) : "?",
        s.timeLagSeconds().isPresent()
            ? String.format(Locale.ROOT, "%.1f", s.timeLagSeconds().getAsDouble())
            : "?",
        s.desired().orElse(0),
        s.ready().orElse(0),
        s.reason());
  }

  private static void awaitReady(LocalProcessScaler scaler, WorkloadRef workload, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (scaler.read(workload).ready() < 1) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(workload.name() + " was not ready within " + timeout);
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

    /** The explanation of the last scale change (the report's decision log). */
    String lastExplanation();

    /** The explanation of the latest decision, changed or not (the live page's log). */
    default String decisionExplanation() {
      return lastExplanation();
    }

    /** Where the policy's own metrics are served, when they are. */
    default Optional<MetricsEndpoint> metrics() {
      return Optional.empty();
    }

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
          # Observed and explained, never scaled: the demo is about store-totals.
          - name: purchase-graph
            namespace: local
            kind: Deployment
            workload: purchase-graph
            consumerGroup: purchase-graph
            topics: [%s]
            offsetReset: earliest
            minReplicas: 1
            maxReplicas: 1
            targetLag: 60s
        """,
        bootstrap,
        GROUP,
        TOPIC,
        settings.maxReplicas(),
        settings.targetLag().toSeconds(),
        perReplica,
        settings.scaleDownWindow().toSeconds(),
        TOPIC);
  }

  /** lag-scaler as deployed: the real controller, with local processes as its act step. */
  private final class LagScalerPolicy implements Policy {
    private final Controller controller;
    private final StatusServer server;
    private final LoggingDecisionRecorder recorder = new LoggingDecisionRecorder();
    private final int pollSeconds;
    private String reason = "START";
    private String explanation = "";

    LagScalerPolicy(String bootstrap, LocalProcessScaler scaler) {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      controller =
          new Controller(
              (name, k) ->
                  LagReader.connect(
                      Map.of("bootstrap.servers", k.bootstrapServers()),
                      Duration.ofSeconds(10),
                      Clock.systemUTC()),
              scaler,
              recorder,
              Leadership.alone("demo"),
              new ScalerMetrics(registry, false),
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
      // As deployed: /metrics, /status, /healthz and /readyz, here on loopback.
      server =
          StatusServer.start(
              "127.0.0.1",
              settings.metricsPort(),
              controller::status,
              controller::ready,
              registry::scrape);
      live.println(
          "[demo] lag-scaler metrics: http://127.0.0.1:"
              + server.port()
              + "/metrics (status: /status; scrape targets: "
              + settings.out().resolve("prometheus").resolve("targets.json").toAbsolutePath()
              + ")");
    }

    @Override
    public Optional<MetricsEndpoint> metrics() {
      return Optional.of(
          new MetricsEndpoint(
              "lag-scaler", "lag-scaler-1", "127.0.0.1:" + server.port(), "/metrics"));
    }

    @Override
    public String tick(int second) {
      if (second % pollSeconds != 0) {
        return reason;
      }
      ControllerStatus status = controller.pollOnce();
      TargetStatus target =
          status.targets().stream()
              .filter(t -> t.name().equals(WORKLOAD.name()))
              .findFirst()
              .orElseThrow();
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
      ScaleChange last = recorder.last(WORKLOAD);
      return last == null ? explanation : last.explanation();
    }

    @Override
    public String decisionExplanation() {
      return explanation;
    }

    @Override
    public void close() {
      server.close();
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
