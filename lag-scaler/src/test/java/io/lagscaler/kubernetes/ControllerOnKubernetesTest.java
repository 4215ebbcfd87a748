package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.act.Leadership;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.controller.Action;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.controller.LagReaders;
import io.lagscaler.controller.TargetStatus;
import io.lagscaler.decide.Reason;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.LocalKafka;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.http.StatusServer;
import io.lagscaler.signals.GroupSignals;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The whole loop: real lag from a real broker, decisions by the engine, writes through /scale to
 * fabric8's mock API server in CRUD mode (the one stand-in: no API server can run here).
 */
@WithKafka
class ControllerOnKubernetesTest {

  private static final String NS = "shop";
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static String bootstrap;
  private static Admin admin;

  private MockCluster cluster;
  private final List<Controller> controllers = new ArrayList<>();
  private final List<LeaderElection> elections = new ArrayList<>();
  private String topic;
  private String group;
  private String group2;

  @BeforeAll
  static void kafka(KafkaCluster kafka) {
    bootstrap = kafka.bootstrapServers();
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  /** A topic of 12 partitions with 100 messages each, and two groups that read none: lag 1,200. */
  @BeforeEach
  void lag() throws Exception {
    cluster = new MockCluster();
    int n = SEQ.incrementAndGet();
    topic = "ctl-orders-" + n;
    group = "ctl-group-" + n;
    group2 = "ctl-group2-" + n;
    seedLag(admin, bootstrap, topic, 100, group, group2);
    cluster.createDeployment(NS, "orders", 1);
    cluster.deploymentStatus(NS, "orders", 1, 1);
    cluster.createStatefulSet(NS, "ledger", 1);
    cluster.statefulSetStatus(NS, "ledger", 1, 1);
  }

  /** A topic of 12 partitions with {@code perPartition} messages each; the groups committed 0. */
  private static void seedLag(
      Admin admin, String bootstrap, String topic, int perPartition, String... groups)
      throws Exception {
    admin.createTopics(List.of(new NewTopic(topic, 12, (short) 1))).all().get();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
      for (int p = 0; p < 12; p++) {
        for (int i = 0; i < perPartition; i++) {
          producer.send(new ProducerRecord<>(topic, p, "k", "v"));
        }
      }
      producer.flush();
    }
    Map<TopicPartition, Long> zero = new HashMap<>();
    for (int p = 0; p < 12; p++) {
      zero.put(new TopicPartition(topic, p), 0L);
    }
    for (String g : groups) {
      GroupOffsetsSeeder.commit(admin, g, zero);
    }
  }

  @AfterEach
  void stop() {
    controllers.forEach(Controller::close);
    elections.forEach(LeaderElection::close);
    cluster.close();
  }

  /** Lag mode at 100 messages a replica, so 1,200 messages ask for 12 replicas at once. */
  private String config(String extraTop, String extraTarget) {
    return """
        kafka:
          bootstrapServers: %s
        pollInterval: 1s
        %s
        defaults:
          mode: lag
          lagPerReplica: 100
          maxReplicas: 20
          tolerance: 0
          settleTime: 0s
          stepAhead: 0s
          evenDistribution: false
          behavior:
            scaleUp: {policies: [{type: pods, value: 100, period: 15s}]}
        targets:
          - name: orders
            namespace: shop
            kind: Deployment
            workload: orders
            consumerGroup: %s
        %s
          - name: ledger
            namespace: shop
            kind: StatefulSet
            workload: ledger
            consumerGroup: %s
        """
        .formatted(bootstrap, extraTop, group, extraTarget, group2);
  }

  private Controller controller(KubernetesClients clients, Leadership leadership) {
    KubernetesDecisionRecorder recorder = clients.recorder(Clock.systemUTC());
    LagReaders readers =
        LagReaders.resolvingSecrets(Map.<String, String>of()::get, Clock.systemUTC());
    Controller controller =
        new Controller(
            readers,
            clients.scaler(),
            recorder,
            leadership,
            new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
            Clock.systemUTC(),
            rejection -> {
              try {
                recorder.recordConfigRejected("lag-system", "lag-scaler", rejection.message());
              } catch (io.lagscaler.act.ScalerException e) {
                throw new IllegalStateException(e);
              }
            },
            Map.<String, String>of()::get,
            false);
    controllers.add(controller);
    return controller;
  }

  private Controller alone() {
    KubernetesClients clients = cluster.clients("lag-scaler-0");
    return controller(clients, Leadership.alone("lag-scaler-0"));
  }

  private static TargetStatus target(ControllerStatus status, String name) {
    return status.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private int deploymentReplicas() {
    return cluster
        .client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("orders")
        .get()
        .getSpec()
        .getReplicas();
  }

  private long scaleWrites(List<String> requests) {
    return requests.stream().filter(r -> r.startsWith("PATCH ") && r.contains("/scale")).count();
  }

  @Test
  void scalesADeploymentAndAStatefulSetThroughScaleOnRealLagAndExplainsOnTheWorkload()
      throws Exception {
    Controller controller = alone();
    assertThat(controller.offer(config("", "    targetLag: 45s"), "test")).isTrue();

    ControllerStatus status = controller.pollOnce();

    TargetStatus orders = target(status, "orders");
    assertThat(orders.action()).as(orders.toString()).isEqualTo(Action.SCALED);
    // /status sets each target's time lag against its target (ops status reads both).
    assertThat(StatusServer.json(status).get("targets"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
        .first()
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("name", "orders")
        .containsEntry("targetLagSeconds", 45.0);
    assertThat(orders.decision().orElseThrow().replicas()).isEqualTo(12);
    assertThat(deploymentReplicas()).isEqualTo(12);
    assertThat(target(status, "ledger").action()).isEqualTo(Action.SCALED);
    assertThat(
            cluster
                .client
                .apps()
                .statefulSets()
                .inNamespace(NS)
                .withName("ledger")
                .get()
                .getSpec()
                .getReplicas())
        .isEqualTo(12);
    var events = cluster.client.events().v1().events().inNamespace(NS).list().getItems();
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getRegarding().getName()).isEqualTo("orders");
              assertThat(e.getNote()).contains("1", "12");
            });
    assertThat(
            cluster
                .client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("orders")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsKey("lagscaler.io/last-decision");
    assertThat(controller.ready()).isTrue();
  }

  @Test
  void aSteadyPollReadsNothingFromTheApiServer() throws Exception {
    KubernetesClients clients = cluster.clients("lag-scaler-0");
    Controller controller = controller(clients, Leadership.alone("lag-scaler-0"));
    controller.offer(config("", ""), "test");
    controller.pollOnce();
    KubernetesScalerTest.eventually(
        () ->
            assertThat(
                    clients
                        .scaler()
                        .read(
                            new io.lagscaler.act.WorkloadRef(NS, WorkloadKind.DEPLOYMENT, "orders"))
                        .desired())
                .isEqualTo(12));
    controller.pollOnce();
    cluster.takeRequests();

    ControllerStatus status = controller.pollOnce();

    assertThat(target(status, "orders").action()).isEqualTo(Action.UNCHANGED);
    assertThat(cluster.takeRequests())
        .as("every workload, HPA and ScaledObject comes from the informers' cache")
        .isEmpty();
  }

  @Test
  void aBrokenWatchHoldsEveryTargetOfItsNamespaceAndTheyAreDecidedAgainOnceItResyncs()
      throws Exception {
    Controller controller = alone();
    controller.offer(config("dryRun: true", ""), "test");
    assertThat(target(controller.pollOnce(), "orders").action()).isEqualTo(Action.DRY_RUN);

    List<ControllerStatus> whileDown = new ArrayList<>();
    cluster.restartApiServer(
        () ->
            KubernetesScalerTest.eventually(
                () -> {
                  ControllerStatus status = controller.pollOnce();
                  whileDown.add(status);
                  assertThat(status.targets())
                      .allSatisfy(
                          t -> {
                            assertThat(t.action()).isEqualTo(Action.HOLD_UNKNOWN_WORKLOAD);
                            assertThat(t.error())
                                .hasValueSatisfying(e -> assertThat(e).contains("broken"));
                          });
                }));

    KubernetesScalerTest.eventually(
        () ->
            assertThat(target(controller.pollOnce(), "orders").action()).isEqualTo(Action.DRY_RUN));
    assertThat(whileDown).isNotEmpty();
  }

  @Test
  void workloadsDeclareTargetsInAnnotationsAndTheConfigsTargetWinsAConflict() throws Exception {
    Map<String, String> enabled = Map.of("lagscaler.io/enabled", "true");
    cluster.createDeployment(NS, "payments", 1);
    cluster.labelDeployment(
        NS,
        "payments",
        enabled,
        Map.of("lagscaler.io/consumer-group", group, "lagscaler.io/max-replicas", "6"));
    cluster.createDeployment(NS, "broken", 2);
    cluster.labelDeployment(
        NS,
        "broken",
        enabled,
        Map.of("lagscaler.io/consumer-group", group, "lagscaler.io/min-replicas", "five"));
    cluster.createDeployment(NS, "unselected", 1);
    cluster.labelDeployment(
        NS, "unselected", Map.of(), Map.of("lagscaler.io/consumer-group", group));
    cluster.labelDeployment(
        NS,
        "orders",
        enabled,
        Map.of("lagscaler.io/consumer-group", group, "lagscaler.io/max-replicas", "2"));
    Controller controller = alone();
    assertThat(
            controller.offer(
                config("discovery: {namespaces: [shop], selector: lagscaler.io/enabled=true}", ""),
                "test"))
        .isTrue();

    ControllerStatus status = controller.pollOnce();

    assertThat(status.targets())
        .extracting(TargetStatus::name)
        .containsExactlyInAnyOrder("orders", "ledger", "shop/deployment/payments");
    TargetStatus payments = target(status, "shop/deployment/payments");
    assertThat(payments.action()).isEqualTo(Action.SCALED);
    assertThat(payments.decision().orElseThrow().replicas())
        .as("the annotation's maxReplicas over the config's defaults")
        .isEqualTo(6);
    assertThat(target(status, "orders").decision().orElseThrow().replicas())
        .as("the config's target, not the annotations' max of 2")
        .isEqualTo(12);
    assertThat(status.discoveryIssues())
        .extracting(i -> i.workload().name() + " " + i.kind())
        .containsExactlyInAnyOrder("broken INVALID_ANNOTATIONS", "orders EXPLICIT_TARGET_WINS");
    assertThat(status.discoveryIssues())
        .filteredOn(i -> i.workload().name().equals("broken"))
        .singleElement()
        .satisfies(i -> assertThat(i.message()).contains("lagscaler.io/min-replicas"));
    assertThat(
            cluster
                .client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("broken")
                .get()
                .getSpec()
                .getReplicas())
        .as("the invalid target alone holds")
        .isEqualTo(2);
    var events = cluster.client.events().v1().events().inNamespace(NS).list().getItems();
    assertThat(events)
        .filteredOn(e -> e.getType().equals("Warning"))
        .extracting(e -> e.getRegarding().getName() + " " + e.getReason())
        .contains("broken INVALID_ANNOTATIONS", "orders EXPLICIT_TARGET_WINS");
  }

  @Test
  void dryRunDecidesAndExplainsButWritesNoReplicas() throws Exception {
    Controller controller = alone();
    controller.offer(config("dryRun: true", ""), "test");
    cluster.takeRequests();

    ControllerStatus status = controller.pollOnce();

    assertThat(target(status, "orders").action()).isEqualTo(Action.DRY_RUN);
    assertThat(target(status, "orders").decision().orElseThrow().replicas()).isEqualTo(12);
    assertThat(deploymentReplicas()).isEqualTo(1);
    assertThat(scaleWrites(cluster.takeRequests())).isZero();
  }

  @Test
  void aPausedWorkloadIsHeldAtItsReplicas() throws Exception {
    cluster
        .client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("orders")
        .edit(
            d -> {
              d.getMetadata().setAnnotations(Map.of("lagscaler.io/paused", "true"));
              return d;
            });
    Controller controller = alone();
    controller.offer(config("", ""), "test");

    ControllerStatus status = controller.pollOnce();

    assertThat(target(status, "orders").action()).isEqualTo(Action.PAUSED);
    assertThat(deploymentReplicas()).isEqualTo(1);
    assertThat(target(status, "ledger").action()).isEqualTo(Action.SCALED);
  }

  @Test
  void aWorkloadWithAnHpaIsNotFoughtOver() throws Exception {
    cluster.createHpa(NS, "orders-hpa", "Deployment", "orders");
    Controller controller = alone();
    controller.offer(config("", ""), "test");

    ControllerStatus status = controller.pollOnce();

    TargetStatus orders = target(status, "orders");
    assertThat(orders.action()).isEqualTo(Action.REFUSED_COMPETING_AUTOSCALER);
    assertThat(orders.competingAutoscalers()).singleElement().asString().contains("orders-hpa");
    assertThat(deploymentReplicas()).isEqualTo(1);
    assertThat(cluster.client.events().v1().events().inNamespace(NS).list().getItems())
        .anySatisfy(e -> assertThat(e.getNote()).contains("orders-hpa"));
  }

  @Test
  void aMissingWorkloadReportsItsErrorAndBacksOffWhileTheOthersCarryOn() throws Exception {
    Controller controller = alone();
    controller.offer(
        config(
            "",
            "  - {name: ghost, namespace: shop, workload: ghost, consumerGroup: " + group + "}"),
        "test");

    ControllerStatus first = controller.pollOnce();
    ControllerStatus second = controller.pollOnce();

    TargetStatus ghost = target(first, "ghost");
    assertThat(ghost.action()).isEqualTo(Action.ERROR);
    assertThat(ghost.error()).hasValueSatisfying(e -> assertThat(e).startsWith("NOT_FOUND"));
    assertThat(target(second, "ghost").action()).isEqualTo(Action.BACKING_OFF);
    assertThat(target(first, "orders").action()).isEqualTo(Action.SCALED);
  }

  @Test
  void anApiServerErrorOnOneTargetDoesNotStopTheOthers() throws Exception {
    cluster
        .server
        .expect()
        .patch()
        .withPath("/apis/apps/v1/namespaces/shop/statefulsets/ledger/scale")
        .andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcd timeout\"}")
        .always();
    Controller controller = alone();
    controller.offer(config("", ""), "test");

    ControllerStatus status = controller.pollOnce();

    assertThat(target(status, "ledger").action()).isEqualTo(Action.ERROR);
    assertThat(target(status, "ledger").error())
        .hasValueSatisfying(e -> assertThat(e).startsWith("API_ERROR"));
    assertThat(target(status, "orders").action()).isEqualTo(Action.SCALED);
  }

  @Test
  void writesRefusedWith429And500BackOffWithJitterWhileTheOthersScaleAndApplyOnceTheServerRecovers()
      throws Exception {
    String ordersScale = "/apis/apps/v1/namespaces/shop/deployments/orders/scale";
    cluster
        .server
        .expect()
        .patch()
        .withPath(ordersScale)
        .andReturn(429, "{\"kind\":\"Status\",\"code\":429,\"message\":\"too many requests\"}")
        .times(2);
    cluster
        .server
        .expect()
        .patch()
        .withPath(ordersScale)
        .andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcd timeout\"}")
        .times(2);
    Controller controller = alone();
    controller.offer(config("", ""), "test");

    ControllerStatus first = controller.pollOnce();

    assertThat(target(first, "orders").action()).isEqualTo(Action.ERROR);
    assertThat(target(first, "orders").error())
        .hasValueSatisfying(e -> assertThat(e).startsWith("API_ERROR").contains("HTTP 429"));
    assertThat(target(first, "ledger").action())
        .as("the other target is not held up")
        .isEqualTo(Action.SCALED);

    List<Action> seen = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    TargetStatus orders = target(first, "orders");
    while (orders.action() != Action.SCALED && System.nanoTime() < deadline) {
      Thread.sleep(100); // the controller's backoff is real time here: the loop over real I/O
      orders = target(controller.pollOnce(), "orders");
      seen.add(orders.action());
      assertThat(orders.consecutiveFailures()).isLessThanOrEqualTo(4);
    }

    assertThat(orders.action())
        .as("applied once the server answers again")
        .isEqualTo(Action.SCALED);
    assertThat(seen).contains(Action.BACKING_OFF, Action.ERROR);
    KubernetesScalerTest.eventually(() -> assertThat(deploymentReplicas()).isEqualTo(12));
  }

  @Test
  void aValidChangeAppliesAtTheNextPollAndAnInvalidOneIsRejectedWhole() throws Exception {
    Controller controller = alone();
    controller.offer(config("", ""), "test");
    controller.pollOnce();
    assertThat(deploymentReplicas()).isEqualTo(12);

    assertThat(controller.offer(config("", "    maxReplicas: 4"), "change 1")).isTrue();
    ControllerStatus afterValid = controller.pollOnce();
    assertThat(target(afterValid, "orders").decision().orElseThrow().replicas()).isEqualTo(4);

    assertThat(controller.offer(config("", "    maxReplicas: 0"), "change 2")).isFalse();
    ControllerStatus afterInvalid = controller.pollOnce();
    assertThat(afterInvalid.configRejection())
        .hasValueSatisfying(
            r ->
                assertThat(r.message())
                    .contains("targets[0].maxReplicas: 0 is below minReplicas 1"));
    // The last good config (max 4) is still in force.
    assertThat(target(afterInvalid, "orders").decision().orElseThrow().replicas()).isEqualTo(4);
    assertThat(cluster.client.events().v1().events().inNamespace("lag-system").list().getItems())
        .anySatisfy(e -> assertThat(e.getRegarding().getKind()).isEqualTo("ConfigMap"));
  }

  @Test
  void twoInstancesShareOneLeaseOnlyTheLeaderScalesAndTheOtherTakesOver() throws Exception {
    KubernetesClients a = cluster.clients("lag-scaler-a");
    KubernetesClients b = cluster.clients("lag-scaler-b");
    LeaderElection electionA = election(a);
    electionA.start();
    awaitLeader(electionA);
    LeaderElection electionB = election(b);
    electionB.start();
    Controller ca = controller(a, electionA);
    Controller cb = controller(b, electionB);
    ca.offer(config("", ""), "test");
    cb.offer(config("", ""), "test");
    cluster.takeRequests();

    ControllerStatus standby = cb.pollOnce();
    ControllerStatus leader = ca.pollOnce();

    assertThat(target(standby, "orders").action()).isEqualTo(Action.STANDBY);
    assertThat(target(leader, "orders").action()).isEqualTo(Action.SCALED);
    assertThat(scaleWrites(cluster.takeRequests())).isEqualTo(2); // orders and ledger, once each

    electionA.close(); // releases the Lease
    awaitLeader(electionB);
    ControllerStatus takenOver = cb.pollOnce();

    assertThat(target(takenOver, "orders").action()).isEqualTo(Action.UNCHANGED);
    assertThat(scaleWrites(cluster.takeRequests())).as("no change applied twice").isZero();
    assertThat(deploymentReplicas()).isEqualTo(12);
  }

  @Test
  void aStandbyThatBecomesLeaderActsAtOnceOnTheChangeItDidNotMake() throws Exception {
    // The standby decides 12 replicas and does not write them; settle time is 60 s. As leader
    // at the next poll it must write at once: the change was never made, nothing to settle.
    boolean[] leading = {false};
    Leadership flipping =
        new Leadership() {
          @Override
          public boolean isLeader() {
            return leading[0];
          }

          @Override
          public java.util.Optional<String> currentLeader() {
            return java.util.Optional.of(leading[0] ? "lag-scaler-b" : "lag-scaler-a");
          }

          @Override
          public String identity() {
            return "lag-scaler-b";
          }
        };
    Controller standby = controller(cluster.clients("lag-scaler-b"), flipping);
    standby.offer(config("", "    settleTime: 60s"), "test");

    assertThat(target(standby.pollOnce(), "orders").action()).isEqualTo(Action.STANDBY);
    leading[0] = true;
    TargetStatus taken = target(standby.pollOnce(), "orders");

    assertThat(taken.action()).as(taken.toString()).isEqualTo(Action.SCALED);
    assertThat(deploymentReplicas()).isEqualTo(12);
  }

  private LeaderElection election(KubernetesClients clients) {
    LeaderElection e =
        clients.leaderElection(
            new LeaderElection.Settings(
                "lag-system",
                "lag-scaler",
                clients.identity(),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                Duration.ofMillis(100)),
            new LeaderElection.Listener() {});
    elections.add(e);
    return e;
  }

  private static void awaitLeader(LeaderElection e) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!e.isLeader() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(e.isLeader()).as(e.identity() + " leads").isTrue();
  }

  /**
   * Two real brokers named as two clusters, the same group id with 1,200 messages of lag on the
   * shared broker and 300 on a second one: each target reads its own cluster; once the second
   * broker is down its target holds on unknown data while the other one is still decided, within a
   * poll bounded by the down cluster's own timeout.
   */
  @Test
  void eachKafkaClusterIsReadOnItsOwnAndOneClusterDownHoldsOnlyItsTargets() throws Exception {
    LocalKafka second = LocalKafka.start();
    boolean down = false;
    try {
      try (Admin secondAdmin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, second.bootstrapServers()))) {
        seedLag(secondAdmin, second.bootstrapServers(), topic, 25, group2);
      }
      Controller controller = alone();
      String twoClusters =
          config("", "")
              .replace(
                  "kafka:\n  bootstrapServers: " + bootstrap + "\n",
                  "kafkaClusters:\n  - {name: default, bootstrapServers: \""
                      + bootstrap
                      + "\"}\n  - {name: us, bootstrapServers: \""
                      + second.bootstrapServers()
                      + "\", requestTimeout: 2s}\n")
              .replace(
                  "consumerGroup: " + group2,
                  "consumerGroup: " + group2 + "\n    kafkaCluster: us");
      assertThat(controller.offer(twoClusters, "test")).isTrue();

      ControllerStatus both = controller.pollOnce();
      assertThat(target(both, "orders").decision().orElseThrow().replicas()).isEqualTo(12);
      assertThat(target(both, "ledger").decision().orElseThrow().replicas()).isEqualTo(3);
      assertThat(both.lastPoll().orElseThrow().brokers()).isEqualTo(2);

      second.close();
      down = true;
      cluster.deploymentStatus(NS, "orders", 12, 12);
      cluster.statefulSetStatus(NS, "ledger", 3, 3);
      long start = System.nanoTime();
      ControllerStatus oneDown = controller.pollOnce();
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      TargetStatus ledger = target(oneDown, "ledger");
      assertThat(ledger.signals())
          .as(ledger.toString())
          .isInstanceOf(GroupSignals.Unavailable.class);
      assertThat(ledger.decision().orElseThrow().reason()).isEqualTo(Reason.HOLD_UNKNOWN_DATA);
      assertThat(ledger.decision().orElseThrow().replicas()).isEqualTo(3);
      TargetStatus orders = target(oneDown, "orders");
      assertThat(orders.signals()).as(orders.toString()).isInstanceOf(GroupSignals.Observed.class);
      assertThat(((GroupSignals.Observed) orders.signals()).totalLag()).isEqualTo(1200);
      assertThat(orders.decision().orElseThrow().reason()).isNotEqualTo(Reason.HOLD_UNKNOWN_DATA);
      // Bounded by the down cluster's 2 s (twice at most, plus a second), not the other's 10 s.
      assertThat(took).isLessThan(Duration.ofSeconds(9));
      assertThat(controller.ready()).isTrue();
    } finally {
      if (!down) {
        second.close();
      }
    }
  }
}
