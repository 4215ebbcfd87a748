package io.lagscaler.platform.helm;

import static io.lagscaler.platform.helm.Manifests.containers;
import static io.lagscaler.platform.helm.Manifests.named;
import static io.lagscaler.platform.helm.Manifests.obj;
import static io.lagscaler.platform.helm.Manifests.podSpec;
import static io.lagscaler.platform.helm.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.lagscaler.config.ConfigParser;
import io.lagscaler.config.ScalerConfig;
import io.lagscaler.controller.Action;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.controller.LagReaders;
import io.lagscaler.controller.TargetStatus;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.kubernetes.ConfigMapWatch;
import io.lagscaler.kubernetes.KubernetesClients;
import io.lagscaler.kubernetes.KubernetesDecisionRecorder;
import io.lagscaler.kubernetes.LeaderElection;
import io.lagscaler.platform.Repo;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The charts meet the controller: helm/lag-scaler's ServiceAccount, Roles, RoleBindings, ConfigMap
 * and Deployment and helm/retail-services' consumer Deployments, rendered with the dev values, are
 * applied to fabric8's mock API server (CRUD mode: no real API server can run here, and it does not
 * enforce RBAC, which LagScalerChartTest checks against the controller's own permission list). The
 * controller is then wired the way {@code lag-scaler run} wires it, from the rendered Deployment's
 * own arguments: it takes the Lease, loads its config from the rendered ConfigMap through the
 * Kubernetes adapter, reads real lag from a real broker and scales the rendered consumers through
 * /scale, and picks up a ConfigMap change live.
 */
@WithKafka
class LagScalerOnMockApiServerTest {

  static final String NAMESPACE = "application";
  static final String TOPIC = "orders";
  static final int PARTITIONS = 12;

  private static String bootstrap;

  private KubernetesMockServer server;
  private KubernetesClient client;
  private KubernetesClients kube;
  private final List<AutoCloseable> closing = new ArrayList<>();
  private List<Map<String, Object>> controllerObjects;
  private List<String> args;

  @TempDir Path scratch;

  /** The orders topic with 100 messages a partition, and both consumer groups at offset 0. */
  @BeforeAll
  static void lag(KafkaCluster kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                  ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                  ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
        for (int p = 0; p < PARTITIONS; p++) {
          for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>(TOPIC, p, "store-" + p, "{}"));
          }
        }
        producer.flush();
      }
      Map<TopicPartition, Long> zero = new HashMap<>();
      for (int p = 0; p < PARTITIONS; p++) {
        zero.put(new TopicPartition(TOPIC, p), 0L);
      }
      GroupOffsetsSeeder.commit(admin, "store-totals", zero);
      GroupOffsetsSeeder.commit(admin, "purchase-graph", zero);
    }
  }

  @BeforeEach
  void applyTheRenderedCharts() throws Exception {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    client = server.createClient();

    // The dev values, pointed at the test's broker; lag mode so that the first poll decides (the
    // rate mode of the values needs a rate window of samples first).
    Map<String, Object> sets = new LinkedHashMap<>();
    sets.put("config.kafka.bootstrapServers", bootstrap);
    sets.put("config.defaults.mode", "lag");
    sets.put("config.defaults.lagPerReplica", "100");
    sets.put("config.defaults.settleTime", "0s"); // no group rebalances here to wait for
    List<Map<String, Object>> lagScaler =
        Charts.template(
            Repo.path("helm/lag-scaler"),
            "lag-scaler",
            NAMESPACE,
            Repo.path("helm/lag-scaler/values-dev.yaml"),
            sets);
    controllerObjects =
        lagScaler.stream()
            .filter(
                m ->
                    List.of("ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Deployment")
                        .contains(m.get("kind")))
            .toList();
    controllerObjects.forEach(this::apply);

    List<Map<String, Object>> retail =
        Charts.template(
            Repo.path("helm/retail-services"),
            "retail-services",
            NAMESPACE,
            Repo.path("helm/retail-services/values-dev.yaml"),
            Map.of());
    for (Map<String, Object> deployment : Manifests.ofKind(retail, "Deployment")) {
      // The API server defaults an absent spec.replicas to 1; the mock stores what it is given.
      obj(deployment.get("spec")).putIfAbsent("replicas", 1);
      apply(deployment);
      client
          .apps()
          .deployments()
          .inNamespace(NAMESPACE)
          .withName(Manifests.name(deployment))
          .editStatus(
              d -> {
                // The mock runs no deployment controller: play it for the one replica.
                d.setStatus(
                    new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).build());
                return d;
              });
    }

    args =
        strings(
            containers(podSpec(named(lagScaler, "Deployment", "lag-scaler")))
                .getFirst()
                .get("args"));
    kube = KubernetesClients.create(Optional.of(kubeconfig()));
    closing.add(kube);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException slowShutdown) {
      // fabric8's mock server waits 10 s for its connections to drain, and a watch the closed
      // client just cancelled can outlast that on a loaded machine. The server is the test's
      // stand-in, not the code under test: its port is not reused, so only report it.
      System.err.println("mock API server shutdown: " + slowShutdown.getMessage());
    }
  }

  private void apply(Map<String, Object> manifest) {
    try {
      String json = new ObjectMapper().writeValueAsString(manifest);
      client.resource(json).inNamespace(Manifests.namespace(manifest)).create();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A kubeconfig for the mock server in the release namespace, as the pod's service account. */
  private Path kubeconfig() throws Exception {
    Path file = scratch.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "%s"}
        users:
          - name: lag-scaler
            user: {token: service-account-token}
        contexts:
          - name: mock
            context: {cluster: mock, user: lag-scaler, namespace: %s}
        current-context: mock
        """
            .formatted(server.url("/").replaceAll("/$", ""), NAMESPACE));
    return file;
  }

  /** The value after {@code option} in the rendered Deployment's arguments. */
  private String arg(String option) {
    int at = args.indexOf(option);
    assertThat(at).as(option + " in " + args).isNotNegative();
    return args.get(at + 1);
  }

  @Test
  void theRenderedObjectsAreAcceptedAndReadBackAsRendered() {
    assertThat(client.serviceAccounts().inNamespace(NAMESPACE).withName("lag-scaler").get())
        .isNotNull();
    var roles = client.rbac().roles().inNamespace(NAMESPACE).list().getItems();
    assertThat(roles)
        .extracting(r -> r.getMetadata().getName())
        .containsExactlyInAnyOrder("lag-scaler", "lag-scaler-targets");
    assertThat(roles)
        .flatExtracting(r -> r.getRules())
        .flatExtracting(r -> r.getVerbs())
        .doesNotContain("*");
    assertThat(client.rbac().roleBindings().inNamespace(NAMESPACE).list().getItems())
        .allSatisfy(
            b ->
                assertThat(b.getSubjects())
                    .singleElement()
                    .satisfies(s -> assertThat(s.getName()).isEqualTo("lag-scaler")));
    var deployment =
        client.apps().deployments().inNamespace(NAMESPACE).withName("lag-scaler").get();
    assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo("lag-scaler");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  void theControllerLoadsItsConfigFromTheRenderedConfigMapThroughTheKubernetesAdapter()
      throws Exception {
    String[] configMap = arg("--configmap").split("/", 2);
    assertThat(configMap).containsExactly(NAMESPACE, "lag-scaler");
    assertThat(kube.namespace()).isEqualTo(NAMESPACE);

    ConfigMapWatch watch =
        kube.watchConfigMap(configMap[0], configMap[1], arg("--configmap-key"), content -> {});
    closing.add(watch);
    watch.start();

    ScalerConfig config = ConfigParser.parse(watch.current().orElseThrow());
    assertThat(config.kafka().bootstrapServers()).isEqualTo(bootstrap);
    assertThat(config.targets())
        .extracting(t -> t.workload().toString())
        .containsExactly(
            "Deployment application/store-totals", "Deployment application/purchase-graph");
  }

  @Test
  void theControllerTakesTheLeaseScalesTheRenderedConsumersAndReloadsTheConfigMapLive()
      throws Exception {
    String identity = "lag-scaler-6d9f7c8b5-x2x7q"; // what HOSTNAME holds in the pod
    LeaderElection election =
        kube.leaderElection(
            new LeaderElection.Settings(
                kube.namespace(),
                arg("--lease-name"),
                identity,
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                Duration.ofMillis(100)),
            new LeaderElection.Listener() {});
    closing.add(election);
    election.start();
    awaitLeader(election);
    assertThat(
            client
                .leases()
                .inNamespace(NAMESPACE)
                .withName("lag-scaler")
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo(identity);

    Controller controller = controller(election);
    closing.add(controller);
    List<Boolean> offers = new java.util.concurrent.CopyOnWriteArrayList<>();
    String[] configMap = arg("--configmap").split("/", 2);
    ConfigMapWatch watch =
        kube.watchConfigMap(
            configMap[0],
            configMap[1],
            arg("--configmap-key"),
            content -> offers.add(controller.offer(content.orElse(""), "ConfigMap")));
    closing.add(watch);
    watch.start();
    assertThat(offers).containsExactly(true);

    ControllerStatus first = controller.pollOnce();

    TargetStatus storeTotals = target(first, "store-totals");
    assertThat(storeTotals.action()).as(storeTotals.toString()).isEqualTo(Action.SCALED);
    assertThat(replicas("store-totals")).isGreaterThan(1).isLessThanOrEqualTo(12);
    assertThat(target(first, "purchase-graph").action()).isEqualTo(Action.SCALED);
    assertThat(replicas("purchase-graph")).isGreaterThan(1).isLessThanOrEqualTo(8);
    assertThat(
            client
                .apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("store-totals")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsKey("lagscaler.io/last-decision");
    assertThat(client.events().v1().events().inNamespace(NAMESPACE).list().getItems())
        .anySatisfy(e -> assertThat(e.getRegarding().getName()).isEqualTo("store-totals"));

    // A helm upgrade that lowers the ceiling: the controller hears it without a restart.
    client
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName("lag-scaler")
        .edit(
            cm -> {
              String yaml = cm.getData().get("config.yaml");
              cm.getData().put("config.yaml", yaml.replace("maxReplicas: 12", "maxReplicas: 2"));
              return cm;
            });
    awaitOffers(offers, 2);
    assertThat(offers).containsExactly(true, true);
    ControllerStatus second = controller.pollOnce();
    assertThat(target(second, "store-totals").decision().orElseThrow().replicas()).isEqualTo(2);
  }

  private Controller controller(LeaderElection election) {
    KubernetesDecisionRecorder recorder = kube.recorder(Clock.systemUTC());
    LagReaders readers =
        LagReaders.resolvingSecrets(Map.<String, String>of()::get, Clock.systemUTC());
    return new Controller(
        readers,
        kube.scaler(),
        recorder,
        election, // LeaderElection is the controller's Leadership
        new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
        Clock.systemUTC(),
        rejection -> {},
        Map.<String, String>of()::get,
        false);
  }

  private int replicas(String deployment) {
    return client
        .apps()
        .deployments()
        .inNamespace(NAMESPACE)
        .withName(deployment)
        .get()
        .getSpec()
        .getReplicas();
  }

  private static TargetStatus target(ControllerStatus status, String name) {
    return status.targets().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static void awaitLeader(LeaderElection e) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!e.isLeader() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(e.isLeader()).as(e.identity() + " leads").isTrue();
  }

  private static void awaitOffers(List<Boolean> offers, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (offers.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }
}
