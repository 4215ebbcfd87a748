package io.lagscaler.loadtest.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.act.Leadership;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.Scaler;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.controller.Controller;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.http.StatusServer;
import io.lagscaler.loadtest.local.LoggingDecisionRecorder;
import io.lagscaler.observe.LagReader;
import io.lagscaler.services.testkit.KafkaTestClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** {@code load-test run} end to end against a real broker and a real lag-scaler /status. */
@WithKafka
class RunCommandTest {

  record Outcome(int exit, String out, String err) {}

  static Outcome run(String... args) {
    RunCommand command = new RunCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    command.live = new PrintStream(out, true, StandardCharsets.UTF_8);
    command.terminal = false;
    StringWriter err = new StringWriter();
    int exit = new CommandLine(command).setErr(new PrintWriter(err, true)).execute(args);
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString());
  }

  /** The act step of a controller without a cluster: the replicas it sets are the ones it reads. */
  static final class Replicas implements Scaler {
    final Map<WorkloadRef, Integer> desired = new ConcurrentHashMap<>();

    @Override
    public ScaleState read(WorkloadRef workload) {
      int n = desired.getOrDefault(workload, 1);
      return new ScaleState(n, n, n, Map.of(), List.of());
    }

    @Override
    public void scale(WorkloadRef workload, int replicas) {
      desired.put(workload, replicas);
    }
  }

  @Test
  void producesTheProfileReadsTheGroupFollowsLagScalerAndWritesTheReport(
      KafkaCluster cluster, @TempDir Path out) throws Exception {
    String bootstrap = cluster.bootstrapServers();
    try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
      kafka.createTopic("run-orders", 4);
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread consumer = Thread.ofPlatform().start(() -> consume(bootstrap, stop));
    Controller controller =
        new Controller(
            (name, k) ->
                LagReader.connect(
                    Map.of("bootstrap.servers", k.bootstrapServers()),
                    Duration.ofSeconds(5),
                    Clock.systemUTC()),
            new Replicas(),
            new LoggingDecisionRecorder(),
            Leadership.alone("test"),
            new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
            Clock.systemUTC(),
            rejection -> {},
            name -> null,
            false);
    assertThat(
            controller.offer(
                """
                kafka:
                  bootstrapServers: %s
                pollInterval: 1s
                targets:
                  - name: run-target
                    namespace: test
                    kind: Deployment
                    workload: consumer
                    consumerGroup: run-group
                    topics: [run-orders]
                    offsetReset: earliest
                    minReplicas: 2
                    maxReplicas: 3
                """
                    .formatted(bootstrap),
                "test"))
        .isTrue();
    ScheduledExecutorService polls = Executors.newSingleThreadScheduledExecutor();
    polls.scheduleAtFixedRate(controller::pollOnce, 0, 1, TimeUnit.SECONDS);
    Outcome run;
    try (StatusServer server =
        StatusServer.start("127.0.0.1", 0, controller::status, controller::ready, () -> "")) {
      run =
          run(
              "--bootstrap-server", bootstrap,
              "--topic", "run-orders",
              "--profile", "constant",
              "--peak-rate", "100",
              "--duration", "8s",
              "--keys", "hot:0.8:0.1",
              "--group", "run-group",
              "--scaler-url", "http://127.0.0.1:" + server.port(),
              "--out", out.toString());
    } finally {
      polls.shutdownNow();
      polls.awaitTermination(10, TimeUnit.SECONDS);
      controller.close();
      stop.set(true);
      consumer.join(Duration.ofSeconds(10));
    }

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("policy").asText()).isEqualTo("lag-scaler");
    assertThat(report.get("durationSeconds").asInt()).isEqualTo(8);
    assertThat(report.get("sink").asText()).isEqualTo("kafka");
    assertThat(report.get("keys").asText()).isEqualTo("hot:0.8:0.1");
    assertThat(report.get("messagesProduced").asDouble()).isCloseTo(800, within(16.0));
    assertThat(report.get("ordersFailed").asLong()).isZero();
    assertThat(report.get("messagesConsumed").asLong()).isPositive();
    assertThat(report.get("maxLag").isNumber()).isTrue();
    // lag-scaler's minReplicas of 2 came through /status, read from status.jsonl's target.
    assertThat(report.get("finalReplicas").asInt()).as(run.out()).isEqualTo(2);
    assertThat(report.get("replicaSeconds").asInt()).isBetween(2, 16);

    List<String> status = Files.readAllLines(out.resolve("status.jsonl"));
    assertThat(status).hasSizeGreaterThanOrEqualTo(7);
    JsonNode last = new ObjectMapper().readTree(status.getLast());
    assertThat(last.get("targets").get(0).get("name").asText()).isEqualTo("run-target");
    List<String> timeline = Files.readAllLines(out.resolve("timeline.csv"));
    assertThat(timeline).hasSize(9);
    assertThat(timeline.get(5)).startsWith("lag-scaler,5,100.0,");
    assertThat(Files.readString(out.resolve("report.md"))).startsWith("# lag-scaler load test");
    assertThat(ImageIO.read(out.resolve("timeline.png").toFile()).getHeight()).isEqualTo(990);
    // Not a terminal: a plain progress line at the end, no carriage returns.
    assertThat(run.out()).contains("8/8s").doesNotContain("\r");
  }

  private static void consume(String bootstrap, AtomicBoolean stop) {
    Map<String, Object> config =
        Map.of(
            "bootstrap.servers",
            bootstrap,
            "group.id",
            "run-group",
            "enable.auto.commit",
            false,
            "auto.offset.reset",
            "earliest",
            "key.deserializer",
            ByteArrayDeserializer.class,
            "value.deserializer",
            ByteArrayDeserializer.class);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.subscribe(List.of("run-orders"));
      while (!stop.get()) {
        if (!consumer.poll(Duration.ofMillis(200)).isEmpty()) {
          consumer.commitSync();
        }
      }
    }
  }

  @Test
  void withoutAGroupOrAScalerWhatWasNotMeasuredIsUnknownNotZero(
      KafkaCluster cluster, @TempDir Path out) throws Exception {
    try (KafkaTestClient kafka = new KafkaTestClient(cluster.bootstrapServers())) {
      kafka.createTopic("run-unobserved", 2);
    }
    Outcome run =
        run(
            "--bootstrap-server", cluster.bootstrapServers(),
            "--topic", "run-unobserved",
            "--profile", "step",
            "--base-rate", "20",
            "--peak-rate", "60",
            "--duration", "4s",
            "--out", out.toString());

    assertThat(run.exit()).as(run.out() + run.err()).isZero();
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("policy").asText()).isEqualTo("unobserved");
    assertThat(report.get("maxLag").isNull()).isTrue();
    assertThat(report.get("maxReplicas").isNull()).isTrue();
    assertThat(report.get("messagesConsumed").isNull()).isTrue();
    // step: 20/s for the first second, 60/s after it.
    assertThat(report.get("messagesProduced").asDouble()).isCloseTo(200, within(8.0));
    assertThat(Files.readString(out.resolve("report.md"))).contains("| maxLag | unknown |");
    assertThat(Files.readAllLines(out.resolve("timeline.csv")).get(1)).endsWith(",,,,,,");
    assertThat(out.resolve("status.jsonl")).doesNotExist();
  }

  @Test
  void aRunWhoseOrdersAllFailExitsWithOne(@TempDir Path out) throws Exception {
    int closed;
    try (var socket = new java.net.ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Outcome run =
        run(
            "--intake-url", "http://127.0.0.1:" + closed,
            "--profile", "constant",
            "--peak-rate", "20",
            "--duration", "2s",
            "--out", out.toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("FAILED: no order was acknowledged").contains("transport");
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("sink").asText()).isEqualTo("intake");
    assertThat(report.get("ordersFailed").asLong()).isEqualTo(report.get("ordersSent").asLong());
    assertThat(report.get("failures").get("transport").asLong()).isPositive();
  }

  static Stream<Arguments> badArguments() throws Exception {
    Path profile = Files.createTempFile("bad-profile", ".csv");
    Files.writeString(profile, "second,rate\n0,10\n5,x\n");
    return Stream.of(
        Arguments.of(List.of("--profile", "constant"), "give --bootstrap-server"),
        Arguments.of(
            List.of("--bootstrap-server", "127.0.0.1:1", "--keys", "hot:2:0.1"),
            "--keys: keys 'hot:2:0.1': SHARE"),
        Arguments.of(
            List.of("--bootstrap-server", "127.0.0.1:1", "--profile", profile.toString()),
            "--profile: " + profile + " line 3: rate must be a number, was 'x'"),
        Arguments.of(
            List.of("--intake-url", "http://127.0.0.1:1", "--group", "g"),
            "--group g needs --bootstrap-server"),
        Arguments.of(
            List.of("--bootstrap-server", "127.0.0.1:1", "--scaler-url", "ftp://x"),
            "--scaler-url must be an http(s) URL"),
        Arguments.of(List.of("--intake-url", "not a url"), "--intake-url: "),
        Arguments.of(
            List.of("--bootstrap-server", "127.0.0.1:1", "--max-in-flight", "0"),
            "--max-in-flight must be >= 1"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badArguments")
  void badArgumentsExitWithTwoNamingTheOption(List<String> args, String message) {
    Outcome run = run(args.toArray(String[]::new));
    assertThat(run.exit()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message);
  }
}
