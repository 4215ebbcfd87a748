package io.lagscaler.platform.helm;

import static io.lagscaler.platform.helm.Manifests.containers;
import static io.lagscaler.platform.helm.Manifests.labels;
import static io.lagscaler.platform.helm.Manifests.list;
import static io.lagscaler.platform.helm.Manifests.metadata;
import static io.lagscaler.platform.helm.Manifests.named;
import static io.lagscaler.platform.helm.Manifests.namespace;
import static io.lagscaler.platform.helm.Manifests.obj;
import static io.lagscaler.platform.helm.Manifests.ofKind;
import static io.lagscaler.platform.helm.Manifests.podSpec;
import static io.lagscaler.platform.helm.Manifests.podTemplate;
import static io.lagscaler.platform.helm.Manifests.spec;
import static io.lagscaler.platform.helm.Manifests.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.marcnuri.helm.LintResult;
import io.lagscaler.config.ConfigParser;
import io.lagscaler.config.ScalerConfig;
import io.lagscaler.kubernetes.Permission;
import io.lagscaler.kubernetes.PermissionCheck;
import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.NetworkPolicies.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * helm/lag-scaler, the controller's chart, rendered by a real Helm with default values and with
 * each environment's values into the namespace the Makefile uses: lint-clean, every manifest valid
 * per the Kubernetes schemas, RBAC exactly what the controller's own permission check asks for, a
 * config its own parser accepts, and pods that are secure, probed and placed on arm64 spot nodes.
 */
class LagScalerChartTest {

  static final String NAMESPACE = "application";
  static final String RELEASE = "lag-scaler";
  static final List<String> ENVIRONMENTS = List.of("dev", "stage", "prod");

  private static Path chart;

  /** "default", "dev", "stage", "prod" to the rendered manifests. */
  private static final Map<String, List<Map<String, Object>>> rendered = new LinkedHashMap<>();

  @TempDir Path scratch;

  @BeforeAll
  static void renderEveryEnvironment() {
    chart = Repo.path("helm/lag-scaler");
    rendered.put("default", render(null, Map.of()));
    for (String env : ENVIRONMENTS) {
      rendered.put(env, render(values(env), Map.of()));
    }
  }

  static List<Map<String, Object>> render(Path valuesFile, Map<String, Object> sets) {
    return Charts.template(chart, RELEASE, NAMESPACE, valuesFile, sets);
  }

  static Path values(String env) {
    return chart.resolve("values-" + env + ".yaml");
  }

  static Stream<String> variants() {
    return Stream.of("default", "dev", "stage", "prod");
  }

  static Map<String, Object> deployment(String variant) {
    return named(rendered.get(variant), "Deployment", "lag-scaler");
  }

  static Map<String, Object> container(String variant) {
    return containers(podSpec(deployment(variant))).getFirst();
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
  void everyValueIsDocumentedWithAParamLine() {
    Manifests.assertEveryValueDocumented(chart.resolve("values.yaml"));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyRenderedManifestPassesTheStrictKubernetesSchema(String variant) {
    List<String> problems =
        rendered.get(variant).stream()
            .map(KubernetesSchemas::validate)
            .flatMap(Optional::stream)
            .toList();
    assertThat(problems).as(variant).isEmpty();
    assertThat(rendered.get(variant))
        .extracting(m -> m.get("kind"))
        .contains(
            "ServiceAccount",
            "ConfigMap",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment",
            "PodDisruptionBudget",
            "NetworkPolicy")
        .doesNotContain("ClusterRole", "ClusterRoleBinding", "HorizontalPodAutoscaler");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyObjectCarriesTheStandardLabelsAndItsEnvironment(String variant) {
    String env = variant.equals("default") ? "dev" : variant;
    for (Map<String, Object> m : rendered.get(variant)) {
      assertThat(labels(m))
          .as(m.get("kind") + " " + KubernetesSchemas.metadataName(m))
          .containsEntry("app.kubernetes.io/name", "lag-scaler")
          .containsEntry("app.kubernetes.io/instance", RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "lag-scaler")
          .containsEntry("app.kubernetes.io/component", "controller")
          .containsEntry("lag-scaler.io/environment", env)
          .containsKeys("app.kubernetes.io/version", "helm.sh/chart");
    }
    assertThat(obj(podTemplate(deployment(variant)).get("metadata")).get("labels"))
        .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
        .containsEntry("app.kubernetes.io/name", "lag-scaler");
  }

  // ---- the controller's Deployment ----

  @ParameterizedTest
  @MethodSource("variants")
  void runsLeaderElectedInstancesThatReadTheConfigMapLive(String variant) {
    Map<String, Object> deployment = deployment(variant);
    assertThat(spec(deployment).get("replicas")).isEqualTo(variant.equals("prod") ? 3 : 2);
    assertThat(strings(container(variant).get("args")))
        .containsSubsequence("run", "--configmap", NAMESPACE + "/lag-scaler")
        .containsSubsequence("--configmap-key", "config.yaml")
        .containsSubsequence("--port", "8080")
        .containsSubsequence("--lease-name", "lag-scaler")
        .doesNotContain("--no-leader-election", "--dry-run");
    // The controller reloads the ConfigMap itself: rolling the pods on a change would only
    // interrupt the leader.
    Object annotations = obj(podTemplate(deployment).get("metadata")).get("annotations");
    assertThat(String.valueOf(annotations)).doesNotContain("checksum");
    // HOSTNAME (the pod name) is the identity; nothing may override it.
    assertThat(Manifests.env(container(variant))).doesNotContainKey("HOSTNAME");
    assertThat(podSpec(deployment).get("serviceAccountName")).isEqualTo("lag-scaler");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyContainerRunsNonRootOnAReadOnlyRootWithoutPrivilegesOrCapabilities(String variant) {
    for (Map<String, Object> workload : Manifests.workloads(rendered.get(variant))) {
      Map<String, Object> pod = podSpec(workload);
      assertThat(obj(pod.get("securityContext")))
          .containsEntry("runAsNonRoot", true)
          .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
      assertThat(containers(pod)).isNotEmpty();
      for (Map<String, Object> c : containers(pod)) {
        assertSecureContainer(c);
      }
      assertThat(list(pod.get("volumes")))
          .as("a writable /tmp beside the read-only root")
          .anySatisfy(v -> assertThat(v).containsKey("emptyDir").containsEntry("name", "tmp"));
    }
  }

  static void assertSecureContainer(Map<String, Object> c) {
    assertThat(obj(c.get("securityContext")))
        .as("container " + c.get("name"))
        .containsEntry("runAsNonRoot", true)
        .containsEntry("readOnlyRootFilesystem", true)
        .containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("capabilities", Map.of("drop", List.of("ALL")))
        .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
    assertThat(list(c.get("volumeMounts")))
        .as("container " + c.get("name") + " mounts /tmp")
        .anySatisfy(m -> assertThat(m).containsEntry("mountPath", "/tmp"));
    Map<String, Object> resources = obj(c.get("resources"));
    assertThat(obj(resources.get("requests"))).containsKeys("cpu", "memory");
    assertThat(obj(resources.get("limits"))).containsKey("memory");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void probesAskHealthzForLivenessAndReadyzForReadinessOnTheHttpPort(String variant) {
    Map<String, Object> c = container(variant);
    assertThat(obj(c.get("livenessProbe")).get("httpGet"))
        .isEqualTo(Map.of("path", "/healthz", "port", "http"));
    assertThat(obj(c.get("startupProbe")).get("httpGet"))
        .isEqualTo(Map.of("path", "/healthz", "port", "http"));
    assertThat(obj(c.get("readinessProbe")).get("httpGet"))
        .isEqualTo(Map.of("path", "/readyz", "port", "http"));
    assertThat(list(c.get("ports")))
        .singleElement()
        .isEqualTo(Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void podsRunOnArm64SpotNodesSpreadOverZonesAndNodes(String variant) {
    Map<String, Object> pod = podSpec(deployment(variant));
    assertThat(obj(pod.get("nodeSelector")))
        .containsEntry("kubernetes.io/arch", "arm64")
        .containsEntry("lag-scaler.io/workload", "stateless");
    assertThat(list(pod.get("tolerations")))
        .contains(
            Map.of(
                "key", "lag-scaler.io/capacity",
                "operator", "Equal",
                "value", "spot",
                "effect", "PreferNoSchedule"));
    assertThat(list(pod.get("topologySpreadConstraints")))
        .extracting(t -> t.get("topologyKey"))
        .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    // Leader and standby never share a node: one spot reclaim cannot take both.
    assertThat(list(pod.get("topologySpreadConstraints")).get(1))
        .containsEntry("whenUnsatisfiable", "DoNotSchedule");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void aDisruptionBudgetLetsADrainTakeOneInstanceAtATime(String variant) {
    Map<String, Object> pdb = named(rendered.get(variant), "PodDisruptionBudget", "lag-scaler");
    assertThat(spec(pdb).get("maxUnavailable")).isEqualTo(1);
    assertThat(obj(spec(pdb).get("selector")).get("matchLabels"))
        .isEqualTo(obj(spec(deployment(variant)).get("selector")).get("matchLabels"));
  }

  @Test
  void imageComesFromTheGlobalRegistryAndTagTheMakefileSets() {
    assertThat(container("default").get("image")).isEqualTo("lag-scaler:0.1.0");
    List<Map<String, Object>> manifests =
        render(
            values("dev"),
            Map.of(
                "global.image.registry", "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "global.image.tag", "0a1b2c3d4e5f"));
    assertThat(containers(podSpec(named(manifests, "Deployment", "lag-scaler"))).getFirst())
        .containsEntry(
            "image", "123456789012.dkr.ecr.us-east-1.amazonaws.com/lag-scaler:0a1b2c3d4e5f");
  }

  // ---- RBAC ----

  @ParameterizedTest
  @MethodSource("variants")
  void rbacGrantsExactlyWhatTheControllersPermissionCheckAsksForAndNoWildcard(String variant) {
    List<Map<String, Object>> manifests = rendered.get(variant);
    assertThat(String.valueOf(ofKind(manifests, "Role"))).doesNotContain("*");
    Set<String> targetNamespaces = new TreeSet<>();
    targetNamespaces.addAll(parsedConfig(variant).namespaces());
    assertThat(granted(manifests, NAMESPACE, "lag-scaler"))
        .containsExactlyInAnyOrderElementsOf(
            new HashSet<>(PermissionCheck.required(NAMESPACE, targetNamespaces)));
  }

  @Test
  void rbacFollowsTheTargetsIntoEveryNamespaceTheyNameAndNoOther() throws Exception {
    Path targets = scratch.resolve("targets.yaml");
    Files.writeString(
        targets,
        """
        config:
          targets:
            - {name: a, namespace: shop, workload: a, consumerGroup: a}
            - {name: b, namespace: billing, kind: StatefulSet, workload: b, consumerGroup: b}
            - {name: c, namespace: shop, workload: c, consumerGroup: c}
            - {name: d, workload: d, consumerGroup: d}
        """);
    List<Map<String, Object>> manifests = render(targets, Map.of());
    assertThat(ofKind(manifests, "Role"))
        .extracting(Manifests::namespace)
        .containsExactlyInAnyOrder(NAMESPACE, "billing", NAMESPACE, "shop");
    assertThat(granted(manifests, NAMESPACE, "lag-scaler"))
        .containsExactlyInAnyOrderElementsOf(
            new HashSet<>(
                PermissionCheck.required(NAMESPACE, List.of("shop", "billing", NAMESPACE))));
    assertThat(granted(manifests, NAMESPACE, "lag-scaler"))
        .noneMatch(p -> p.namespace().equals("default"));
  }

  @Test
  void discoveryNamespacesGetTheSameRbacAsTargetNamespacesAndTheConfigCarriesDiscovery()
      throws Exception {
    Path values = scratch.resolve("discovery.yaml");
    Files.writeString(
        values,
        """
        config:
          targets:
            - {name: a, namespace: shop, workload: a, consumerGroup: a}
          discovery:
            namespaces: [payments, shop]
            selector: lagscaler.io/enabled=true
        """);
    List<Map<String, Object>> manifests = render(values, Map.of());
    assertThat(ofKind(manifests, "Role"))
        .extracting(Manifests::namespace)
        .containsExactlyInAnyOrder(NAMESPACE, "payments", "shop");
    assertThat(granted(manifests, NAMESPACE, "lag-scaler"))
        .containsExactlyInAnyOrderElementsOf(
            new HashSet<>(PermissionCheck.required(NAMESPACE, List.of("shop", "payments"))));
    String config =
        String.valueOf(
            obj(named(manifests, "ConfigMap", "lag-scaler").get("data")).get("config.yaml"));
    var parsed = io.lagscaler.config.ConfigParser.parse(config);
    assertThat(parsed.discovery().namespaces()).containsExactly("payments", "shop");
    assertThat(parsed.discovery().selector().matches(Map.of("lagscaler.io/enabled", "true")))
        .isTrue();
  }

  /**
   * What the Roles bound to the service account grant, one {@link Permission} per verb, resource
   * and namespace, as a SelfSubjectAccessReview would find it.
   */
  static Set<Permission> granted(
      List<Map<String, Object>> manifests, String saNamespace, String saName) {
    Set<Permission> granted = new HashSet<>();
    for (Map<String, Object> binding : ofKind(manifests, "RoleBinding")) {
      boolean forUs =
          list(binding.get("subjects")).stream()
              .anyMatch(
                  s ->
                      "ServiceAccount".equals(s.get("kind"))
                          && saName.equals(s.get("name"))
                          && saNamespace.equals(s.get("namespace")));
      if (!forUs) {
        continue;
      }
      Map<String, Object> ref = obj(binding.get("roleRef"));
      assertThat(ref.get("kind")).isEqualTo("Role");
      Map<String, Object> role =
          ofKind(manifests, "Role").stream()
              .filter(r -> namespace(r).equals(namespace(binding)))
              .filter(r -> metadata(r).get("name").equals(ref.get("name")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("RoleBinding to a missing Role: " + ref));
      for (Map<String, Object> rule : list(role.get("rules"))) {
        assertThat(rule).doesNotContainKeys("resourceNames", "nonResourceURLs");
        for (String group : strings(rule.get("apiGroups"))) {
          for (String resource : strings(rule.get("resources"))) {
            String[] parts = resource.split("/", 2);
            for (String verb : strings(rule.get("verbs"))) {
              granted.add(
                  new Permission(
                      verb, group, parts[0], parts.length > 1 ? parts[1] : "", namespace(binding)));
            }
          }
        }
      }
    }
    return granted;
  }

  // ---- the config ----

  static String configYaml(List<Map<String, Object>> manifests) {
    return String.valueOf(
        obj(named(manifests, "ConfigMap", "lag-scaler").get("data")).get("config.yaml"));
  }

  static ScalerConfig parsedConfig(String variant) {
    try {
      return ConfigParser.parse(configYaml(rendered.get(variant)));
    } catch (io.lagscaler.config.InvalidConfigException e) {
      throw new AssertionError(variant + ": " + e.getMessage(), e);
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void theConfigMapHoldsAConfigLagScalersOwnParserAccepts(String variant) {
    ScalerConfig config = parsedConfig(variant);
    assertThat(config.kafka().bootstrapServers())
        .isEqualTo("lag-scaler-kafka-bootstrap.kafka:9092");
    assertThat(config.targets())
        .extracting(ScalerConfig.Target::name)
        .containsExactly("store-totals", "purchase-graph");
    assertThat(config.targets())
        .allSatisfy(
            t -> {
              assertThat(t.workload().namespace()).isEqualTo(NAMESPACE);
              assertThat(t.topics()).containsExactly("orders");
            });
  }

  @Test
  void prodKeepsAFloorOfTwoAndAFallbackWhenKafkaCannotBeRead() {
    ScalerConfig prod = parsedConfig("prod");
    assertThat(prod.targets())
        .allSatisfy(
            t -> {
              assertThat(t.policy().minReplicas()).isEqualTo(2);
              assertThat(t.policy().fallbackReplicas()).hasValue(6);
            });
    assertThat(prod.targets().getLast().policy().maxReplicas()).isEqualTo(16);
  }

  @Test
  void everyConfigFieldOfTheCompleteExampleIsAcceptedByTheSchema() throws Exception {
    // examples/lag-scaler.yaml uses every field: the schema must not be stricter than the parser.
    Map<String, Object> example = Charts.readYaml(Repo.path("examples/lag-scaler.yaml"));
    Path values = scratch.resolve("example-values.yaml");
    Files.writeString(
        values, new org.yaml.snakeyaml.Yaml().dump(Map.of("config", new LinkedHashMap<>(example))));
    List<Map<String, Object>> manifests = render(values, Map.of());
    ScalerConfig config = ConfigParser.parse(configYaml(manifests));
    assertThat(config.targets()).hasSize(2);
    assertThat(config.kafka().secretProperties()).containsKey("sasl.jaas.config");
  }

  @Test
  void namedKafkaClustersReplaceTheSingleKafkaSectionAndEachTargetNamesItsCluster()
      throws Exception {
    Path values = scratch.resolve("clusters-values.yaml");
    Files.writeString(
        values,
        """
        config:
          kafkaClusters:
            - {name: eu, bootstrapServers: "kafka-eu:9092", requestTimeout: 5s}
            - name: us
              bootstrapServers: "kafka-us:9094"
              properties: {security.protocol: SASL_SSL}
              secretProperties: {sasl.jaas.config: {env: US_JAAS}}
          targets:
            - {name: a, workload: a, consumerGroup: g, kafkaCluster: eu}
            - {name: b, workload: b, consumerGroup: g, kafkaCluster: us}
        """);
    ScalerConfig config = ConfigParser.parse(configYaml(render(values, Map.of())));
    assertThat(config.kafkaClusters().keySet()).containsExactly("eu", "us");
    assertThat(config.targets())
        .extracting(ScalerConfig.Target::kafkaCluster)
        .containsExactly("eu", "us");
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        argumentSet(
            "a named cluster without a name",
            "config:\n  kafkaClusters:\n    - {bootstrapServers: \"k:9092\"}\n",
            "missing property 'name'"),
        argumentSet(
            "a cluster name with capitals on a target",
            "config:\n  targets:\n    - {name: a, workload: a, consumerGroup: a, kafkaCluster: EU}\n",
            "/config/targets/0/kafkaCluster"),
        argumentSet(
            "maxReplicas written as a word",
            "config:\n  targets:\n    - {name: a, workload: a, consumerGroup: a, maxReplicas: ten}\n",
            "/config/targets/0/maxReplicas"),
        argumentSet(
            "an unknown target field",
            "config:\n  targets:\n    - {name: a, workload: a, consumerGroup: a, replicas: 3}\n",
            "'replicas' not allowed"),
        argumentSet(
            "a target without its consumer group",
            "config:\n  targets:\n    - {name: a, workload: a}\n",
            "consumerGroup"),
        argumentSet(
            "a kind that has no /scale lag-scaler writes",
            "config:\n  targets:\n    - {name: a, workload: a, consumerGroup: a, kind: DaemonSet}\n",
            "/config/targets/0/kind"),
        argumentSet(
            "an offsetReset Kafka does not know",
            "config:\n  targets:\n    - {name: a, workload: a, consumerGroup: a, offsetReset: newest}\n",
            "/config/targets/0/offsetReset"),
        argumentSet(
            "an isolation level Kafka does not know",
            "config:\n  targets:\n    - {name: a, workload: a, consumerGroup: a, isolation: serializable}\n",
            "/config/targets/0/isolation"),
        argumentSet(
            "a mode the engine does not have",
            "config:\n  defaults:\n    mode: cpu\n",
            "/config/defaults/mode"),
        argumentSet(
            "a duration without a unit", "config:\n  pollInterval: 5\n", "/config/pollInterval"),
        argumentSet(
            "a duration spelled out",
            "config:\n  defaults:\n    targetLag: 30 seconds\n",
            "/config/defaults/targetLag"),
        argumentSet(
            "a utilization above one",
            "config:\n  defaults:\n    targetUtilization: 1.5\n",
            "/config/defaults/targetUtilization"),
        argumentSet(
            "a secret inline in the Kafka properties",
            "config:\n  kafka:\n    properties:\n      sasl.jaas.config: secret\n",
            "invalid propertyName 'sasl.jaas.config'"),
        argumentSet(
            "a secret property with both env and file",
            "config:\n  kafka:\n    secretProperties:\n      ssl.key.password: {env: A, file: /b}\n",
            "/config/kafka/secretProperties"),
        argumentSet(
            "a typo at the top of the config",
            "config:\n  pollIntervall: 5s\n",
            "'pollIntervall' not allowed"),
        argumentSet("no config at all", "config: null\n", "missing property 'config'"),
        argumentSet(
            "a namespace with capitals",
            "networkPolicy:\n  monitoringNamespace: Mon\n",
            "/networkPolicy/monitoringNamespace"));
  }

  @ParameterizedTest
  @MethodSource("badValues")
  void theSchemaRejectsAConfigTheControllerWouldRefuse(String valuesYaml, String pointer)
      throws Exception {
    Path bad = scratch.resolve("bad-values.yaml");
    Files.writeString(bad, valuesYaml);
    assertThatThrownBy(() -> render(bad, Map.of()))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(pointer);
  }

  // ---- network and monitoring ----

  static final Pod CONTROLLER =
      new Pod(
          NAMESPACE,
          Map.of("app.kubernetes.io/name", "lag-scaler", "app.kubernetes.io/instance", RELEASE));
  static final Pod PROMETHEUS =
      new Pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
  static final Pod BROKER = new Pod("kafka", Map.of("strimzi.io/kind", "Kafka"));
  static final Pod COREDNS = new Pod("kube-system", Map.of("k8s-app", "kube-dns"));
  static final Pod REDIS = new Pod("redis", Map.of("app.kubernetes.io/name", "redis"));
  static final Pod ORDER_INTAKE =
      new Pod(NAMESPACE, Map.of("app.kubernetes.io/name", "order-intake"));

  static Stream<Arguments> flows() {
    return Stream.of(
        argumentSet("Prometheus scrapes /metrics", PROMETHEUS, CONTROLLER, 8080, true),
        argumentSet("the controller reads Kafka", CONTROLLER, BROKER, 9092, true),
        argumentSet("the controller resolves names", CONTROLLER, COREDNS, 53, true),
        argumentSet(
            "an application pod cannot call /status", ORDER_INTAKE, CONTROLLER, 8080, false),
        argumentSet("the controller cannot reach Redis", CONTROLLER, REDIS, 6379, false),
        argumentSet("the controller cannot reach a service", CONTROLLER, ORDER_INTAKE, 8080, false),
        argumentSet("Kafka cannot reach the controller", BROKER, CONTROLLER, 8080, false));
  }

  @ParameterizedTest
  @MethodSource("flows")
  void theNetworkPolicyAllowsOnlyTheControllersFlows(Pod from, Pod to, int port, boolean allowed) {
    for (String variant : rendered.keySet()) {
      assertThat(new NetworkPolicies(rendered.get(variant)).allows(from, to, port))
          .as(variant + ": " + from + " -> " + to + ":" + port)
          .isEqualTo(allowed);
    }
  }

  @Test
  void aStatusReaderReadsTheHttpPortAndOtherPodsOfItsNamespaceStillCannot() throws Exception {
    Path values = scratch.resolve("status-readers.yaml");
    Files.writeString(
        values,
        """
        networkPolicy:
          statusReaders:
            - namespace: apps
              podLabels: {app.kubernetes.io/name: load-test}
        """);
    NetworkPolicies policies = new NetworkPolicies(render(values, Map.of()));
    Pod loadTest = new Pod("apps", Map.of("app.kubernetes.io/name", "load-test"));
    Pod intake = new Pod("apps", Map.of("app.kubernetes.io/name", "order-intake"));
    assertThat(policies.allows(loadTest, CONTROLLER, 8080)).isTrue();
    assertThat(policies.allows(intake, CONTROLLER, 8080)).isFalse();
    assertThat(policies.allows(PROMETHEUS, CONTROLLER, 8080)).isTrue();
  }

  @Test
  void theControllerReachesTheApiServerAndNothingElseOutside() {
    NetworkPolicies policies = new NetworkPolicies(rendered.get("dev"));
    assertThat(policies.allowsEgressToAddress(CONTROLLER, "10.40.37.12", 443)).isTrue();
    assertThat(policies.allowsEgressToAddress(CONTROLLER, "10.40.37.12", 80)).isFalse();
    assertThat(policies.allowsEgressToAddress(CONTROLLER, "8.8.8.8", 443)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void everyEnvironmentIsScrapedAndAlertsOnTheSloStallsMaxReplicasLeaderPollsConfigAndScaleErrors(
      String env) {
    Map<String, Object> monitor = named(rendered.get(env), "ServiceMonitor", "lag-scaler");
    assertThat(obj(spec(monitor).get("selector")).get("matchLabels"))
        .isEqualTo(obj(spec(named(rendered.get(env), "Service", "lag-scaler")).get("selector")));
    assertThat(list(spec(monitor).get("endpoints")))
        .singleElement()
        .satisfies(
            e -> assertThat(e).containsEntry("port", "http").containsEntry("path", "/metrics"));

    Map<String, Object> rule = named(rendered.get(env), "PrometheusRule", "lag-scaler");
    Map<String, String> alerts = new LinkedHashMap<>();
    for (Map<String, Object> group : list(spec(rule).get("groups"))) {
      for (Map<String, Object> r : list(group.get("rules"))) {
        if (!r.containsKey("alert")) {
          continue; // a recording rule
        }
        alerts.put(String.valueOf(r.get("alert")), String.valueOf(r.get("expr")));
        assertThat(obj(r.get("labels"))).containsKey("severity");
        assertThat(obj(r.get("annotations"))).containsKeys("summary", "description");
      }
    }
    assertThat(alerts)
        .containsOnlyKeys(
            "LagScalerTimeLagSLOBurn",
            "LagScalerConsumerStalled",
            "LagScalerAtMaxReplicasLagGrowing",
            "LagScalerNoLeader",
            "LagScalerPollsStale",
            "LagScalerConfigRejected",
            "LagScalerScaleErrors");
    assertThat(alerts.get("LagScalerNoLeader"))
        .contains("sum by (namespace) (lagscaler_leader) == 0", "absent(");
    assertThat(alerts.get("LagScalerPollsStale"))
        .contains("time() - max by (namespace) (lagscaler_last_successful_poll_timestamp_seconds)");
    assertThat(alerts.get("LagScalerConfigRejected")).contains("lagscaler_config_rejected) == 1");
    assertThat(alerts.get("LagScalerScaleErrors"))
        .contains("increase(lagscaler_scale_errors_total[15m])");
  }

  @Test
  void monitoringObjectsWaitForTheirCrdsByDefault() {
    assertThat(rendered.get("default"))
        .extracting(m -> m.get("kind"))
        .doesNotContain("ServiceMonitor", "PrometheusRule");
  }
}
