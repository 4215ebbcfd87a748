package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.act.Leadership;
import io.lagscaler.controller.Action;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.controller.TargetStatus;
import io.lagscaler.decide.Reason;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.explain.ScalerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Faults at the controller's level, with the real controller loop, a real broker (a child JVM, so
 * it can be frozen) and the mock API server. KEDA scaled groups to zero during a broker replacement
 * (#4098): here a broker that stops answering must leave every count where it is.
 */
class ControllerFaultsTest {

  /**
   * How long the broker stays cut. The scenario is two minutes; the behaviour is the same
   * at any length past a few polls, so the default keeps the suite short. {@code
   * -Dlagscaler.faults.cut=120s} runs the full two minutes.
   */
  private static final Duration CUT =
      Duration.parse(
          "PT"
              + System.getProperty("lagscaler.faults.cut", "10s")
                  .toUpperCase(java.util.Locale.ROOT));

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final String NS = "shop";

  private KafkaBrokerProcess broker;
  private MockCluster cluster;
  private KubernetesClients clients;
  private Controller controller;

  /** Three Deployments at 5 replicas, each with a group 500 messages behind: lag mode keeps 5. */
  @BeforeEach
  void start() throws Exception {
    broker = KafkaBrokerProcess.start();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("orders", 10, (short) 1))).all().get();
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
        for (int p = 0; p < 10; p++) {
          for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>("orders", p, "k", "v"));
          }
        }
        producer.flush();
      }
      Map<TopicPartition, Long> halfRead = new HashMap<>();
      for (int p = 0; p < 10; p++) {
        halfRead.put(new TopicPartition("orders", p), 50L);
      }
      for (String group : List.of("plain", "to-zero", "with-fallback")) {
        GroupOffsetsSeeder.commit(admin, group, halfRead);
      }
    }
    cluster = new MockCluster();
    for (String workload : List.of("plain", "to-zero", "with-fallback")) {
      cluster.createDeployment(NS, workload, 5);
      cluster.deploymentStatus(NS, workload, 5, 5);
    }
    clients = cluster.clients("lag-scaler-0");
    controller = controller();
    assertThat(controller.offer(config(), "test")).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    signal("CONT");
    clients.informers().close();
    cluster.close();
    broker.close();
  }

  private String config() {
    return """
        kafka:
          bootstrapServers: %s
          requestTimeout: 1s
        pollInterval: 1s
        defaults:
          mode: lag
          lagPerReplica: 100
          maxReplicas: 10
          tolerance: 0
          settleTime: 0s
          stepAhead: 0s
          evenDistribution: false
        targets:
          - {name: plain, namespace: shop, workload: plain, consumerGroup: plain}
          - {name: to-zero, namespace: shop, workload: to-zero, consumerGroup: to-zero,
             minReplicas: 0, scaleToZero: true, idlePeriod: 0s}
          - {name: with-fallback, namespace: shop, workload: with-fallback,
             consumerGroup: with-fallback, fallback: {replicas: 3, afterFailures: 2}}
        """
        .formatted(broker.bootstrapServers());
  }

  private Controller controller() {
    return new Controller(
        io.lagscaler.cli.RunCommand.lagReaders(Clock.systemUTC()),
        clients.scaler(),
        clients.recorder(Clock.systemUTC()),
        Leadership.alone("lag-scaler-0"),
        new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
        Clock.systemUTC(),
        rejection -> {},
        Map.<String, String>of()::get,
        false);
  }

  /** One poll, then the rest of the poll interval: the controller's own cadence. */
  private ControllerStatus poll() throws InterruptedException {
    long start = System.nanoTime();
    ControllerStatus status = controller.pollOnce();
    long left = POLL.toMillis() - (System.nanoTime() - start) / 1_000_000;
    if (left > 0) {
      Thread.sleep(left);
    }
    return status;
  }

  /** SIGSTOP freezes the broker: its connections stay open and nothing answers (a partition). */
  private void signal(String signal) throws Exception {
    if (broker != null) {
      new ProcessBuilder("kill", "-" + signal, Long.toString(broker.pid()))
          .inheritIO()
          .start()
          .waitFor();
    }
  }

  private static TargetStatus target(ControllerStatus status, String name) {
    return status.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static Reason reason(ControllerStatus status, String name) {
    return target(status, name).decision().orElseThrow().reason();
  }

  private long scaleWrites(List<String> requests, String workload) {
    return requests.stream()
        .filter(
            r -> r.equals("PATCH /apis/apps/v1/namespaces/shop/deployments/" + workload + "/scale"))
        .count();
  }

  @Test
  void aCutBrokerHoldsEveryTargetWritesOnlyTheConfiguredFallbackAndDecisionsResumeWithinOnePoll()
      throws Exception {
    for (int i = 0; i < 2; i++) {
      ControllerStatus steady = poll();
      assertThat(steady.targets())
          .allSatisfy(t -> assertThat(t.decision().orElseThrow().replicas()).isEqualTo(5));
    }
    cluster.takeRequests();

    signal("STOP");
    long cutEnds = System.nanoTime() + CUT.toNanos();
    int polls = 0;
    while (System.nanoTime() < cutEnds) {
      ControllerStatus status = poll();
      polls++;
      assertThat(reason(status, "plain")).isEqualTo(Reason.HOLD_UNKNOWN_DATA);
      assertThat(reason(status, "to-zero"))
          .as("unknown lag is not zero lag: never scaled to zero on missing data")
          .isEqualTo(Reason.HOLD_UNKNOWN_DATA);
      assertThat(reason(status, "with-fallback"))
          .isEqualTo(polls < 2 ? Reason.HOLD_UNKNOWN_DATA : Reason.FALLBACK);
    }
    signal("CONT");
    List<String> duringCut = cluster.takeRequests();

    assertThat(polls).isGreaterThanOrEqualTo(3);
    assertThat(scaleWrites(duringCut, "plain")).isZero();
    assertThat(scaleWrites(duringCut, "to-zero")).isZero();
    assertThat(scaleWrites(duringCut, "with-fallback")).as("the fallback count, once").isEqualTo(1);
    assertThat(
            cluster
                .client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("to-zero")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(5);

    // The controller's next poll comes one interval after the last; the broker resumes meanwhile.
    Thread.sleep(POLL.toMillis());
    ControllerStatus healed = poll();

    assertThat(healed.targets())
        .as("normal decisions at the next poll after the cut heals")
        .allSatisfy(
            t -> {
              assertThat(t.signals())
                  .isInstanceOf(io.lagscaler.signals.GroupSignals.Observed.class);
              assertThat(t.decision().orElseThrow().reason().isHold()).isFalse();
              assertThat(t.action()).isIn(Action.UNCHANGED, Action.SCALED);
            });
    assertThat(target(healed, "with-fallback").decision().orElseThrow().replicas())
        .as("back to what the lag asks for")
        .isEqualTo(5);
  }
}
