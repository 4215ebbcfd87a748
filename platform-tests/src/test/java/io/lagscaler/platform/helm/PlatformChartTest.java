package io.lagscaler.platform.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.marcnuri.helm.LintResult;
import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.NetworkPolicies.Pod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * helm/platform rendered by a real Helm with default values and with each environment's values:
 * lint-clean, every manifest valid per the Kubernetes schemas, and the policies, storage and Kafka
 * shaped as the pipeline needs.
 */
class PlatformChartTest {

  static final List<String> ENVIRONMENTS = List.of("dev", "stage", "prod");
  static final List<String> NAMESPACES =
      List.of("kafka", "redis", "neo4j", "monitoring", "application");

  /**
   * Every operator's custom resources on (Kafka, Karpenter's NodePools, the ExternalSecrets), as
   * after make platform with NodeAutoscaler=karpenter.
   */
  static final Map<String, Object> OPERATOR_RESOURCES_ON =
      Map.of(
          "kafka.cluster.enabled", "true",
          "karpenter.enabled", "true",
          "karpenter.nodeRole", "lag-scaler-NodeRole-ABC",
          "externalSecrets.enabled", "true");

  private static Path chart;

  /** "default", "dev", "stage", "prod" to the rendered manifests with the Kafka resources on. */
  private static final Map<String, List<Map<String, Object>>> rendered = new LinkedHashMap<>();

  @TempDir Path scratch;

  @BeforeAll
  static void renderEveryEnvironment() {
    chart = Repo.path("helm/platform");
    rendered.put("default", Charts.template(chart, null, OPERATOR_RESOURCES_ON));
    for (String env : ENVIRONMENTS) {
      rendered.put(env, Charts.template(chart, values(env), OPERATOR_RESOURCES_ON));
    }
  }

  static Path values(String env) {
    return chart.resolve("values-" + env + ".yaml");
  }

  static Stream<String> variants() {
    return Stream.of("default", "dev", "stage", "prod");
  }

  // ---- Helm itself ----

  @Test
  void lintsStrictWithDefaultValues() {
    LintResult lint = Charts.lint(chart, null, scratch);
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void lintsStrictWithEachEnvironmentsValues(String env) {
    LintResult lint = Charts.lint(chart, values(env), scratch);
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void lintFailsWhenValuesBreakTheSchema() throws Exception {
    Path broken = scratch.resolve("broken-values.yaml");
    java.nio.file.Files.writeString(broken, "storageClass:\n  reclaimPolicy: Recycle\n");
    LintResult lint = Charts.lint(chart, broken, scratch);
    assertThat(lint.isFailed()).isTrue();
    assertThat(String.join("\n", lint.getMessages())).contains("reclaimPolicy");
  }

  @Test
  void schemaRejectsAFlowToANamespaceThePlatformDoesNotHave() {
    assertThatThrownBy(
            () ->
                Charts.template(
                    chart,
                    null,
                    Map.of(
                        "networkPolicies.flows[0].to", "nowhere",
                        "networkPolicies.flows[0].name", "x",
                        "networkPolicies.flows[0].from", "application")))
        .hasMessageContaining("flows")
        .hasMessageContaining("to");
  }

  // ---- Kubernetes schemas ----

  @ParameterizedTest
  @MethodSource("variants")
  void everyRenderedManifestPassesTheStrictKubernetesSchema(String variant) {
    List<Map<String, Object>> manifests = new ArrayList<>(rendered.get(variant));
    // Without the Kafka resources too: the first install, before the Strimzi CRDs exist.
    manifests.addAll(
        Charts.template(chart, variant.equals("default") ? null : values(variant), Map.of()));
    List<String> problems =
        manifests.stream().map(KubernetesSchemas::validate).flatMap(Optional::stream).toList();
    assertThat(problems).as(variant).isEmpty();
    assertThat(manifests)
        .extracting(m -> m.get("kind"))
        .contains("Namespace", "NetworkPolicy", "StorageClass");
  }

  @Test
  void strictSchemaRejectsAnUnknownFieldDeepInAManifest() {
    Map<String, Object> policy =
        Map.of(
            "apiVersion",
            "networking.k8s.io/v1",
            "kind",
            "NetworkPolicy",
            "metadata",
            Map.of("name", "p", "namespace", "kafka"),
            "spec",
            Map.of(
                "podSelector", Map.of(), "policyTypes", List.of("Ingress"), "ingres", List.of()));
    assertThat(KubernetesSchemas.validate(policy))
        .hasValueSatisfying(problem -> assertThat(problem).contains("kafka/p", "ingres"));
    assertThat(
            KubernetesSchemas.validate(
                Map.of(
                    "apiVersion",
                    "example.com/v1",
                    "kind",
                    "Gadget",
                    "metadata",
                    Map.of("name", "g"))))
        .hasValueSatisfying(problem -> assertThat(problem).contains("no Kubernetes schema"));
  }

  // ---- namespaces and labels ----

  @ParameterizedTest
  @MethodSource("variants")
  void createsThePipelinesNamespacesWithPodSecurityLevels(String variant) {
    Map<String, Map<String, Object>> namespaces = new LinkedHashMap<>();
    for (Map<String, Object> m : ofKind(variant, "Namespace")) {
      namespaces.put(String.valueOf(metadata(m).get("name")), labels(m));
    }
    assertThat(namespaces).containsOnlyKeys(NAMESPACES);
    assertThat(namespaces.get("application"))
        .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
    assertThat(namespaces.get("monitoring"))
        .containsEntry("pod-security.kubernetes.io/enforce", "privileged");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyObjectCarriesTheStandardLabelsAndItsEnvironment(String variant) {
    String env = variant.equals("default") ? "dev" : variant;
    for (Map<String, Object> m : rendered.get(variant)) {
      assertThat(labels(m))
          .as(m.get("kind") + " " + KubernetesSchemas.metadataName(m))
          .containsEntry("app.kubernetes.io/name", "platform")
          .containsEntry("app.kubernetes.io/instance", "platform")
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "lag-scaler")
          .containsEntry("lag-scaler.io/environment", env)
          .containsKeys("app.kubernetes.io/version", "helm.sh/chart");
    }
  }

  // ---- network policies ----

  @ParameterizedTest
  @MethodSource("variants")
  void everyNamespaceDeniesAllIngressAndEgressByDefault(String variant) {
    NetworkPolicies policies = new NetworkPolicies(rendered.get(variant));
    for (String ns : NAMESPACES) {
      assertThat(policies.in(ns))
          .as(ns)
          .anySatisfy(
              p -> {
                assertThat(metadata(p).get("name")).isEqualTo("default-deny-all");
                assertThat(p.get("spec"))
                    .isEqualTo(
                        Map.of(
                            "podSelector", Map.of(), "policyTypes", List.of("Ingress", "Egress")));
              });
    }
  }

  static final Pod ORDER_INTAKE =
      new Pod("application", Map.of("app.kubernetes.io/name", "order-intake"));
  static final Pod LAG_SCALER =
      new Pod("application", Map.of("app.kubernetes.io/name", "lag-scaler"));
  static final Pod BROKER =
      new Pod("kafka", Map.of("strimzi.io/kind", "Kafka", "strimzi.io/pool-name", "brokers"));
  static final Pod STRIMZI = new Pod("kafka", Map.of("name", "strimzi-cluster-operator"));
  static final Pod REDIS = new Pod("redis", Map.of("app.kubernetes.io/name", "redis"));
  static final Pod NEO4J = new Pod("neo4j", Map.of("app", "neo4j"));
  static final Pod PROMETHEUS =
      new Pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
  static final Pod ZIPKIN = new Pod("monitoring", Map.of("app.kubernetes.io/name", "zipkin"));
  static final Pod COREDNS = new Pod("kube-system", Map.of("k8s-app", "kube-dns"));
  static final Pod CLUSTER_AUTOSCALER =
      new Pod("kube-system", Map.of("app.kubernetes.io/name", "aws-cluster-autoscaler"));

  static Stream<Arguments> flows() {
    return Stream.of(
        argumentSet("application reaches Kafka's plain listener", ORDER_INTAKE, BROKER, 9092, true),
        argumentSet("application reaches Redis", ORDER_INTAKE, REDIS, 6379, true),
        argumentSet("application reaches Neo4j over Bolt", ORDER_INTAKE, NEO4J, 7687, true),
        argumentSet("application sends spans to Zipkin", ORDER_INTAKE, ZIPKIN, 9411, true),
        argumentSet("Prometheus scrapes Kafka's exporter", PROMETHEUS, BROKER, 9404, true),
        argumentSet("Prometheus scrapes Redis's exporter", PROMETHEUS, REDIS, 9121, true),
        argumentSet("Prometheus scrapes Neo4j", PROMETHEUS, NEO4J, 2004, true),
        argumentSet("Prometheus scrapes the application", PROMETHEUS, LAG_SCALER, 8080, true),
        argumentSet(
            "Prometheus scrapes the Cluster Autoscaler",
            PROMETHEUS,
            CLUSTER_AUTOSCALER,
            8085,
            true),
        argumentSet(
            "Prometheus scrapes Karpenter",
            PROMETHEUS,
            new Pod("kube-system", Map.of("app.kubernetes.io/name", "karpenter")),
            8080,
            true),
        argumentSet(
            "Prometheus scrapes the External Secrets Operator",
            PROMETHEUS,
            new Pod("external-secrets", Map.of("app.kubernetes.io/name", "external-secrets")),
            8080,
            true),
        argumentSet(
            "Prometheus scrapes Velero",
            PROMETHEUS,
            new Pod("velero", Map.of("app.kubernetes.io/name", "velero")),
            8085,
            true),
        argumentSet(
            "Prometheus scrapes the Argo CD controller",
            PROMETHEUS,
            new Pod("argocd", Map.of("app.kubernetes.io/name", "argocd-application-controller")),
            8082,
            true),
        argumentSet(
            "the application cannot reach Argo CD",
            ORDER_INTAKE,
            new Pod("argocd", Map.of("app.kubernetes.io/name", "argocd-server")),
            8080,
            false),
        argumentSet("brokers replicate among themselves", BROKER, BROKER, 9091, true),
        argumentSet("the Strimzi operator reaches the brokers", STRIMZI, BROKER, 9091, true),
        argumentSet(
            "application cannot reach Neo4j's HTTP console", ORDER_INTAKE, NEO4J, 7474, false),
        argumentSet(
            "application cannot reach Kafka's replication port", ORDER_INTAKE, BROKER, 9091, false),
        argumentSet("application cannot reach Prometheus", ORDER_INTAKE, PROMETHEUS, 9090, false),
        argumentSet("Redis cannot reach Kafka", REDIS, BROKER, 9092, false),
        argumentSet("Kafka cannot reach the application", BROKER, ORDER_INTAKE, 8080, false),
        argumentSet("Neo4j cannot reach Redis", NEO4J, REDIS, 6379, false),
        argumentSet("Zipkin cannot call the application's API", ZIPKIN, ORDER_INTAKE, 8081, false),
        argumentSet(
            "Prometheus cannot reach Redis itself, only its exporter",
            PROMETHEUS,
            REDIS,
            6379,
            false));
  }

  @ParameterizedTest
  @MethodSource("flows")
  void onlyThePipelinesFlowsAreAllowed(Pod from, Pod to, int port, boolean allowed) {
    for (String variant : rendered.keySet()) {
      assertThat(new NetworkPolicies(rendered.get(variant)).allows(from, to, port))
          .as(variant + ": " + from + " -> " + to + ":" + port)
          .isEqualTo(allowed);
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyNamespaceResolvesNamesThroughCoreDnsOnly(String variant) {
    NetworkPolicies policies = new NetworkPolicies(rendered.get(variant));
    for (String ns : NAMESPACES) {
      Pod pod = new Pod(ns, Map.of("app.kubernetes.io/name", "anything"));
      assertThat(policies.allows(pod, COREDNS, 53, "UDP")).as(ns + " DNS over UDP").isTrue();
      assertThat(policies.allows(pod, COREDNS, 53, "TCP")).as(ns + " DNS over TCP").isTrue();
      assertThat(
              policies.allows(pod, new Pod("kube-system", Map.of("k8s-app", "other")), 53, "UDP"))
          .as(ns + " to a non-DNS pod")
          .isFalse();
    }
  }

  @Test
  void onlyTheControllerAndOperatorsReachTheKubernetesApi() {
    NetworkPolicies policies = new NetworkPolicies(rendered.get("dev"));
    String apiServer = "10.40.37.12"; // a control-plane ENI in the default VPC range
    assertThat(policies.allowsEgressToAddress(LAG_SCALER, apiServer, 443)).isTrue();
    assertThat(policies.allowsEgressToAddress(STRIMZI, apiServer, 443)).isTrue();
    assertThat(policies.allowsEgressToAddress(ORDER_INTAKE, apiServer, 443)).isFalse();
    assertThat(policies.allowsEgressToAddress(REDIS, apiServer, 443)).isFalse();
    assertThat(policies.allowsEgressToAddress(LAG_SCALER, "8.8.8.8", 443)).isFalse();
  }

  @ParameterizedTest
  @MethodSource("variants")
  void prometheusReachesEveryNodePortKubePrometheusStackScrapes(String variant) {
    NetworkPolicies policies = new NetworkPolicies(rendered.get(variant));
    String node = "10.40.70.4";
    // kubelet, node-exporter, and kube-proxy (kubeProxy.enabled in kube-prometheus-stack.yaml):
    // without 10249 the kube-proxy target is scraped but always down.
    for (int port : List.of(10250, 9100, 10249)) {
      assertThat(policies.allowsEgressToAddress(PROMETHEUS, node, port))
          .as("port " + port)
          .isTrue();
    }
    assertThat(policies.allowsEgressToAddress(PROMETHEUS, node, 22)).isFalse();
    assertThat(policies.allowsEgressToAddress(ORDER_INTAKE, node, 10249)).isFalse();
  }

  @Test
  void networkRangesFollowTheStacksVpcWhenTheMakefileSetsThem() {
    List<Map<String, Object>> manifests =
        Charts.template(
            chart, values("dev"), Map.of("networkPolicies.apiServer.cidrs[0]", "172.20.0.0/16"));
    NetworkPolicies policies = new NetworkPolicies(manifests);
    assertThat(policies.allowsEgressToAddress(LAG_SCALER, "172.20.1.1", 443)).isTrue();
    assertThat(policies.allowsEgressToAddress(LAG_SCALER, "10.40.37.12", 443)).isFalse();
  }

  // ---- storage ----

  @ParameterizedTest
  @MethodSource("variants")
  void storageClassIsEncryptedGp3BoundInThePodsZone(String variant) {
    assertThat(ofKind(variant, "StorageClass"))
        .singleElement()
        .satisfies(
            sc -> {
              assertThat(metadata(sc).get("name")).isEqualTo("gp3");
              assertThat(sc.get("provisioner")).isEqualTo("ebs.csi.aws.com");
              assertThat(obj(sc.get("parameters")))
                  .containsEntry("type", "gp3")
                  .containsEntry("encrypted", "true");
              assertThat(sc.get("volumeBindingMode")).isEqualTo("WaitForFirstConsumer");
              assertThat(sc.get("allowVolumeExpansion")).isEqualTo(true);
              assertThat(sc.get("reclaimPolicy"))
                  .isEqualTo(variant.equals("prod") ? "Retain" : "Delete");
              assertThat(obj(metadata(sc).get("annotations")))
                  .containsEntry("storageclass.kubernetes.io/is-default-class", "true");
            });
  }

  // ---- Kafka ----

  @ParameterizedTest
  @MethodSource("variants")
  void kafkaIsKraftWithThreeRackAwareBrokersOnGp3AndMetricsOn(String variant) {
    Map<String, Object> kafka = ofKind(variant, "Kafka").getFirst();
    // Strimzi 0.48 runs KRaft with node pools only and ignores the old opt-in annotations.
    assertThat(metadata(kafka)).doesNotContainKey("annotations");
    Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) kafka.get("spec")).get("kafka");
    assertThat(spec.get("rack")).isEqualTo(Map.of("topologyKey", "topology.kubernetes.io/zone"));
    assertThat(spec.get("metricsConfig").toString())
        .contains("jmxPrometheusExporter", "lag-scaler-kafka-metrics");
    assertThat(spec.get("listeners").toString()).contains("port=9092");
    assertThat(ofKind(variant, "ConfigMap"))
        .extracting(m -> (Object) metadata(m).get("name"))
        .contains("lag-scaler-kafka-metrics");

    Map<String, Map<?, ?>> pools = new LinkedHashMap<>();
    ofKind(variant, "KafkaNodePool")
        .forEach(
            p -> pools.put(String.valueOf(metadata(p).get("name")), (Map<?, ?>) p.get("spec")));
    assertThat(pools).containsOnlyKeys("brokers", "controllers");
    assertThat(pools.get("brokers").get("replicas")).isEqualTo(3);
    assertThat(pools.get("brokers").get("roles")).isEqualTo(List.of("broker"));
    assertThat(pools.get("controllers").get("roles")).isEqualTo(List.of("controller"));
    for (Map<?, ?> pool : pools.values()) {
      assertThat(pool.get("storage").toString())
          .contains("class=gp3", "persistent-claim", "deleteClaim=false");
      assertThat(pool.get("template").toString()).contains("topology.kubernetes.io/zone");
    }
    assertThat(pools.get("brokers").get("template").toString())
        .contains("lag-scaler.io/workload", "values=[stateful]");
  }

  @Test
  void prodPutsKraftControllersOnTheOnDemandGroupAndDevOnStatefulSpot() {
    assertThat(controllersTemplate("prod"))
        .contains("values=[kafka-controller]")
        .doesNotContain("values=[stateful]");
    assertThat(controllersTemplate("dev"))
        .contains("values=[stateful]")
        .doesNotContain("kafka-controller");
  }

  private static String controllersTemplate(String variant) {
    return ofKind(variant, "KafkaNodePool").stream()
        .filter(p -> metadata(p).get("name").equals("controllers"))
        .map(p -> String.valueOf(((Map<?, ?>) p.get("spec")).get("template")))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void kafkaResourcesWaitUntilTheStrimziCrdsExist() {
    assertThat(Charts.template(chart, values("dev"), Map.of()))
        .extracting(m -> m.get("kind"))
        .doesNotContain("Kafka", "KafkaNodePool", "PodMonitor");
  }

  // ---- Karpenter and External Secrets ----

  @ParameterizedTest
  @MethodSource("variants")
  void karpenterNodePoolsCarryTheManagedGroupsLabelsAndTaintsOnArm64WithOnDemandFallback(
      String variant) {
    Map<String, Map<String, Object>> pools = new LinkedHashMap<>();
    ofKind(variant, "NodePool").forEach(p -> pools.put(String.valueOf(metadata(p).get("name")), p));
    assertThat(pools).containsOnlyKeys("stateless", "stateful", "kafka-controller");
    for (Map.Entry<String, Map<String, Object>> pool : pools.entrySet()) {
      String template = String.valueOf(obj(pool.getValue().get("spec")).get("template"));
      assertThat(template).as(pool.getKey()).contains("values=[arm64]", "t4g");
    }
    String stateful = String.valueOf(obj(pools.get("stateful").get("spec")).get("template"));
    assertThat(stateful)
        .contains("lag-scaler.io/workload=stateful")
        .contains("key=lag-scaler.io/workload, value=stateful, effect=NoSchedule")
        .contains("values=[spot, on-demand]");
    assertThat(String.valueOf(obj(pools.get("stateful").get("spec")).get("disruption")))
        .contains("WhenEmpty", "nodes=1");
    assertThat(String.valueOf(obj(pools.get("kafka-controller").get("spec")).get("template")))
        .contains("values=[on-demand]")
        .doesNotContain("spot");
    assertThat(ofKind(variant, "EC2NodeClass"))
        .singleElement()
        .satisfies(
            c ->
                assertThat(String.valueOf(c.get("spec")))
                    .contains("role=lag-scaler-NodeRole-ABC", "karpenter.sh/discovery=lag-scaler")
                    .contains("httpTokens=required", "encrypted=true"));
  }

  @Test
  void karpenterNeedsTheNodeRole() {
    assertThatThrownBy(() -> Charts.template(chart, null, Map.of("karpenter.enabled", "true")))
        .hasMessageContaining("karpenter.nodeRole is required");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void externalSecretsMakeTheSecretsTheChartsTakeFromTheProjectsPrefix(String variant) {
    Map<String, String> made = new LinkedHashMap<>();
    for (Map<String, Object> es : ofKind(variant, "ExternalSecret")) {
      Map<String, Object> spec = obj(es.get("spec"));
      made.put(
          metadata(es).get("namespace") + "/" + obj(spec.get("target")).get("name"),
          String.valueOf(spec.get("dataFrom")));
    }
    assertThat(made)
        .containsKeys(
            "redis/redis-auth",
            "neo4j/neo4j-auth",
            "application/redis-credentials",
            "application/neo4j-credentials",
            "application/kafka-scram-lag-scaler");
    assertThat(made.values()).allSatisfy(from -> assertThat(from).contains("key=lag-scaler/"));
    Map<String, Object> store = ofKind(variant, "ClusterSecretStore").getFirst();
    assertThat(String.valueOf(store.get("spec")))
        .contains("service=SecretsManager", "namespaces=[redis, application, neo4j, kafka]");
  }

  // ---- helpers ----

  static List<Map<String, Object>> ofKind(String variant, String kind) {
    return rendered.get(variant).stream().filter(m -> kind.equals(m.get("kind"))).toList();
  }

  static Map<String, Object> metadata(Map<String, Object> manifest) {
    return obj(manifest.get("metadata"));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> obj(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> labels(Map<String, Object> manifest) {
    Object labels = metadata(manifest).get("labels");
    return labels == null ? Map.of() : (Map<String, Object>) labels;
  }
}
