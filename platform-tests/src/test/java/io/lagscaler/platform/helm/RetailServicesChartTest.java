package io.lagscaler.platform.helm;

import static io.lagscaler.platform.helm.Manifests.containers;
import static io.lagscaler.platform.helm.Manifests.env;
import static io.lagscaler.platform.helm.Manifests.labels;
import static io.lagscaler.platform.helm.Manifests.list;
import static io.lagscaler.platform.helm.Manifests.metadata;
import static io.lagscaler.platform.helm.Manifests.named;
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
import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.NetworkPolicies.Pod;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * helm/retail-services, the reference pipeline lag-scaler scales, rendered by a real Helm with
 * default values and each environment's values (with the load test on, as {@code make load-test}
 * does): lint-clean, schema-valid, no HorizontalPodAutoscaler and no replicas where lag-scaler owns
 * them, secure and probed pods on arm64 spot nodes that shut down gracefully, secrets by reference
 * only, and NetworkPolicies that open exactly each service's flows.
 */
class RetailServicesChartTest {

  static final String NAMESPACE = "application";
  static final String RELEASE = "retail-services";
  static final List<String> SERVICES = List.of("order-intake", "store-totals", "purchase-graph");
  static final List<String> CONSUMERS = List.of("store-totals", "purchase-graph");
  static final Map<String, Object> LOAD_TEST_ON = Map.of("loadTest.enabled", "true");

  private static Path chart;
  private static final Map<String, List<Map<String, Object>>> rendered = new LinkedHashMap<>();

  @TempDir Path scratch;

  @BeforeAll
  static void renderEveryEnvironment() {
    chart = Repo.path("helm/retail-services");
    rendered.put("default", render(null, LOAD_TEST_ON));
    for (String env : List.of("dev", "stage", "prod")) {
      rendered.put(env, render(values(env), LOAD_TEST_ON));
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

  static Map<String, Object> deployment(String variant, String service) {
    return named(rendered.get(variant), "Deployment", service);
  }

  static Map<String, Object> container(String variant, String service) {
    return containers(podSpec(deployment(variant, service))).getFirst();
  }

  static Map<String, Object> loadTestJob(String variant) {
    return ofKind(rendered.get(variant), "Job").getFirst();
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
    List<Map<String, Object>> manifests = new java.util.ArrayList<>(rendered.get(variant));
    // The everyday install too: no load test.
    manifests.addAll(render(variant.equals("default") ? null : values(variant), Map.of()));
    List<String> problems =
        manifests.stream().map(KubernetesSchemas::validate).flatMap(Optional::stream).toList();
    assertThat(problems).as(variant).isEmpty();
    assertThat(rendered.get(variant))
        .extracting(m -> m.get("kind"))
        .contains(
            "Deployment",
            "Service",
            "PodDisruptionBudget",
            "Ingress",
            "NetworkPolicy",
            "Job",
            "ConfigMap");
  }

  @Test
  void theSchemaRejectsValuesTheServicesWouldRefuseOrThatWouldLeakASecret() throws Exception {
    Map<String, String> cases =
        Map.of(
            "services:\n  storeTotals:\n    env:\n      REDIS_PASSWORD: hunter2\n",
            "invalid propertyName 'REDIS_PASSWORD'",
            "services:\n  storeTotals:\n    store: neo4j\n",
            "/services/storeTotals/store",
            "services:\n  orderIntake:\n    replicas: two\n",
            "/services/orderIntake/replicas",
            "tracing:\n  sampleRate: 2\n",
            "/tracing/sampleRate",
            "neo4j:\n  uri: http://neo4j:7474\n",
            "/neo4j/uri",
            "loadTest:\n  profile: Step Up\n",
            "/loadTest/profile",
            "loadTest:\n  keys: hot:80:10\n",
            "/loadTest/keys",
            "services:\n  purchaseGraph:\n    replica: 3\n",
            "'replica' not allowed");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      Path bad = scratch.resolve("bad-values.yaml");
      Files.writeString(bad, c.getKey());
      assertThatThrownBy(() -> render(bad, Map.of()))
          .as(c.getKey())
          .hasMessageContaining("values don't meet the specifications of the schema")
          .hasMessageContaining(c.getValue());
    }
  }

  // ---- labels, replicas, autoscalers ----

  @ParameterizedTest
  @MethodSource("variants")
  void everyObjectCarriesTheStandardLabelsAndPodsAreNamedForTheirService(String variant) {
    String env = variant.equals("default") ? "dev" : variant;
    for (Map<String, Object> m : rendered.get(variant)) {
      assertThat(labels(m))
          .as(m.get("kind") + " " + KubernetesSchemas.metadataName(m))
          .containsEntry("app.kubernetes.io/instance", RELEASE)
          .containsEntry("app.kubernetes.io/managed-by", "Helm")
          .containsEntry("app.kubernetes.io/part-of", "lag-scaler")
          .containsEntry("lag-scaler.io/environment", env)
          .containsKeys(
              "app.kubernetes.io/name",
              "app.kubernetes.io/component",
              "app.kubernetes.io/version",
              "helm.sh/chart");
    }
    for (String service : SERVICES) {
      Map<String, Object> podLabels =
          obj(obj(podTemplate(deployment(variant, service))).get("metadata"));
      assertThat(obj(podLabels.get("labels")))
          .containsEntry("app.kubernetes.io/name", service)
          .containsEntry(
              "app.kubernetes.io/component", service.equals("order-intake") ? "api" : "consumer");
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void lagScalerOwnsTheConsumersReplicasSoTheChartSetsNoneAndHasNoAutoscaler(String variant) {
    assertThat(rendered.get(variant))
        .extracting(m -> m.get("kind"))
        .doesNotContain("HorizontalPodAutoscaler", "ScaledObject");
    for (String consumer : CONSUMERS) {
      assertThat(spec(deployment(variant, consumer)))
          .as(consumer + ": a helm upgrade must not reset lag-scaler's replicas")
          .doesNotContainKey("replicas");
    }
    assertThat(spec(deployment(variant, "order-intake")).get("replicas"))
        .isEqualTo(Map.of("default", 2, "dev", 1, "stage", 2, "prod", 3).get(variant));
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void everyLagScalerTargetIsARenderedConsumerDeploymentWithItsGroup(String env) throws Exception {
    List<Map<String, Object>> controller =
        Charts.template(
            Repo.path("helm/lag-scaler"),
            "lag-scaler",
            NAMESPACE,
            Repo.path("helm/lag-scaler/values-" + env + ".yaml"),
            Map.of());
    ScalerConfig config =
        ConfigParser.parse(
            String.valueOf(
                obj(named(controller, "ConfigMap", "lag-scaler").get("data")).get("config.yaml")));
    assertThat(config.targets()).isNotEmpty();
    for (ScalerConfig.Target target : config.targets()) {
      assertThat(target.workload().namespace()).isEqualTo(NAMESPACE);
      assertThat(target.workload().kind().name()).isEqualToIgnoringCase("DEPLOYMENT");
      Map<String, Object> deployment = deployment(env, target.workload().name());
      assertThat(spec(deployment)).doesNotContainKey("replicas");
      Map<String, String> vars = env(containers(podSpec(deployment)).getFirst());
      assertThat(vars)
          .containsEntry("CONSUMER_GROUP", target.consumerGroup())
          .containsEntry("ORDERS_TOPIC", target.topics().first());
    }
  }

  // ---- pods ----

  @ParameterizedTest
  @MethodSource("variants")
  void everyContainerRunsNonRootOnAReadOnlyRootWithoutPrivilegesOrCapabilities(String variant) {
    List<Map<String, Object>> workloads = Manifests.workloads(rendered.get(variant));
    assertThat(workloads).hasSize(4); // three Deployments and the load-test Job
    for (Map<String, Object> workload : workloads) {
      Map<String, Object> pod = podSpec(workload);
      assertThat(obj(pod.get("securityContext")))
          .containsEntry("runAsNonRoot", true)
          .containsEntry("seccompProfile", Map.of("type", "RuntimeDefault"));
      assertThat(pod).containsEntry("automountServiceAccountToken", false);
      for (Map<String, Object> c : containers(pod)) {
        LagScalerChartTest.assertSecureContainer(c);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void probesAskHealthzForLivenessAndReadyzForReadiness(String variant) {
    for (String service : SERVICES) {
      Map<String, Object> c = container(variant, service);
      assertThat(obj(c.get("livenessProbe")).get("httpGet"))
          .as(service)
          .isEqualTo(Map.of("path", "/healthz", "port", "http"));
      assertThat(obj(c.get("readinessProbe")).get("httpGet"))
          .as(service)
          .isEqualTo(Map.of("path", "/readyz", "port", "http"));
      assertThat(obj(c.get("startupProbe")).get("httpGet"))
          .as(service)
          .isEqualTo(Map.of("path", "/healthz", "port", "http"));
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void consumersShutDownWithinTheGracePeriodAfterTheLoadBalancerLetsGo(String variant) {
    for (String service : SERVICES) {
      Map<String, Object> pod = podSpec(deployment(variant, service));
      Map<String, Object> c = container(variant, service);
      int sleep =
          (Integer) obj(obj(obj(c.get("lifecycle")).get("preStop")).get("sleep")).get("seconds");
      assertThat(sleep).as(service + " preStop pause").isPositive();
      int grace = (Integer) pod.get("terminationGracePeriodSeconds");
      if (CONSUMERS.contains(service)) {
        Duration shutdown =
            Duration.ofSeconds(Long.parseLong(env(c).get("SHUTDOWN_GRACE").replace("s", "")));
        assertThat(Duration.ofSeconds(grace))
            .as(
                service
                    + ": SIGTERM comes after the preStop pause; the batch must be committed before SIGKILL")
            .isGreaterThan(shutdown.plusSeconds(sleep));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void podsRunOnArm64SpotNodesSpreadOverZones(String variant) {
    for (Map<String, Object> workload : Manifests.workloads(rendered.get(variant))) {
      Map<String, Object> pod = podSpec(workload);
      assertThat(obj(pod.get("nodeSelector")))
          .as(Manifests.name(workload))
          .containsEntry("kubernetes.io/arch", "arm64")
          .containsEntry("lag-scaler.io/workload", "stateless");
      assertThat(list(pod.get("tolerations")))
          .as(Manifests.name(workload))
          .contains(
              Map.of(
                  "key", "lag-scaler.io/capacity",
                  "operator", "Equal",
                  "value", "spot",
                  "effect", "PreferNoSchedule"));
      assertThat(list(pod.get("topologySpreadConstraints")))
          .extracting(t -> t.get("topologyKey"))
          .contains("topology.kubernetes.io/zone");
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyServiceHasADisruptionBudgetOverItsOwnPods(String variant) {
    for (String service : SERVICES) {
      Map<String, Object> pdb = named(rendered.get(variant), "PodDisruptionBudget", service);
      assertThat(spec(pdb).get("maxUnavailable")).isEqualTo(1);
      assertThat(obj(spec(pdb).get("selector")).get("matchLabels"))
          .isEqualTo(obj(spec(deployment(variant, service)).get("selector")).get("matchLabels"));
    }
  }

  // ---- configuration and secrets ----

  @ParameterizedTest
  @MethodSource("variants")
  void configComesFromEnvironmentVariablesAndSecretsOnlyByReference(String variant) {
    Map<String, String> intake = env(container(variant, "order-intake"));
    Map<String, String> totals = env(container(variant, "store-totals"));
    Map<String, String> graph = env(container(variant, "purchase-graph"));
    for (Map<String, String> vars : List.of(intake, totals, graph)) {
      assertThat(vars)
          .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "lag-scaler-kafka-bootstrap.kafka:9092")
          .containsEntry("ORDERS_TOPIC", "orders")
          .containsEntry("HTTP_PORT", "8080")
          .containsKey("ZIPKIN_ENDPOINT");
      vars.forEach(
          (name, value) -> {
            if (name.contains("PASSWORD")) {
              assertThat(value).as(name).startsWith("secret ");
            }
          });
    }
    assertThat(intake).doesNotContainKeys("CONSUMER_GROUP", "REDIS_URI", "NEO4J_URI");
    assertThat(totals)
        .containsEntry("CONSUMER_GROUP", "store-totals")
        .containsEntry("REDIS_PASSWORD", "secret redis-credentials/password")
        .containsEntry("REDIS_URI", "redis://:$(REDIS_PASSWORD)@redis-master.redis:6379");
    // Kubernetes expands $(REDIS_PASSWORD) only from a variable defined before it.
    assertThat(List.copyOf(totals.keySet()).indexOf("REDIS_PASSWORD"))
        .isLessThan(List.copyOf(totals.keySet()).indexOf("REDIS_URI"));
    assertThat(graph)
        .containsEntry("CONSUMER_GROUP", "purchase-graph")
        .containsEntry("NEO4J_URI", "bolt://neo4j.neo4j:7687")
        .containsEntry("NEO4J_USER", "neo4j")
        .containsEntry("NEO4J_PASSWORD", "secret neo4j-credentials/password");
  }

  @Test
  void imagesComeFromTheGlobalRegistryAndTagTheMakefileSets() {
    List<Map<String, Object>> manifests =
        render(
            values("dev"),
            Map.of(
                "global.image.registry", "123456789012.dkr.ecr.us-east-1.amazonaws.com",
                "global.image.tag", "0a1b2c3d4e5f",
                "loadTest.enabled", "true"));
    for (Map<String, Object> workload : Manifests.workloads(manifests)) {
      String repository =
          workload.get("kind").equals("Job") ? "load-test" : Manifests.name(workload);
      assertThat(containers(podSpec(workload)).getFirst())
          .containsEntry(
              "image",
              "123456789012.dkr.ecr.us-east-1.amazonaws.com/" + repository + ":0a1b2c3d4e5f");
    }
  }

  // ---- ingress, monitoring, load test ----

  @ParameterizedTest
  @MethodSource("variants")
  void orderIntakeIsBehindAnInternetFacingAlbThatTargetsPodIpsAndChecksReadiness(String variant) {
    Map<String, Object> ingress = named(rendered.get(variant), "Ingress", "order-intake");
    assertThat(spec(ingress).get("ingressClassName")).isEqualTo("alb");
    assertThat(obj(metadata(ingress).get("annotations")))
        .containsEntry("alb.ingress.kubernetes.io/scheme", "internet-facing")
        .containsEntry("alb.ingress.kubernetes.io/target-type", "ip")
        .containsEntry("alb.ingress.kubernetes.io/healthcheck-path", "/readyz");
    String backend = String.valueOf(spec(ingress).get("rules"));
    assertThat(backend).contains("name=order-intake", "port={name=http}", "path=/");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dev", "stage", "prod"})
  void everyServiceIsScrapedThroughItsOwnServiceMonitor(String env) {
    for (String service : SERVICES) {
      Map<String, Object> monitor = named(rendered.get(env), "ServiceMonitor", service);
      assertThat(obj(spec(monitor).get("selector")).get("matchLabels"))
          .isEqualTo(obj(spec(named(rendered.get(env), "Service", service)).get("selector")));
      assertThat(list(spec(monitor).get("endpoints")))
          .singleElement()
          .satisfies(
              e -> assertThat(e).containsEntry("port", "http").containsEntry("path", "/metrics"));
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void theLoadTestJobRunsTheChosenProfileAgainstKafkaOnce(String variant) {
    Map<String, Object> job = loadTestJob(variant);
    assertThat(labels(job)).containsEntry("app.kubernetes.io/component", "load-test");
    assertThat(obj(obj(podTemplate(job).get("metadata")).get("labels")))
        .containsEntry("app.kubernetes.io/component", "load-test");
    assertThat(podSpec(job)).containsEntry("restartPolicy", "Never");
    assertThat(spec(job)).containsEntry("backoffLimit", 0).containsKey("activeDeadlineSeconds");
    String profile =
        Map.of("default", "step", "dev", "step", "stage", "spike", "prod", "diurnal").get(variant);
    assertThat(strings(containers(podSpec(job)).getFirst().get("args")))
        .containsExactly(
            "run",
            "--bootstrap-server",
            "lag-scaler-kafka-bootstrap.kafka:9092",
            "--topic",
            "orders",
            "--profile",
            profile,
            "--duration",
            "10m",
            "--base-rate",
            "15",
            "--peak-rate",
            "120",
            "--keys",
            "uniform",
            "--intake-url",
            "http://order-intake:8080",
            "--group",
            "store-totals",
            "--out",
            "/tmp/load-test",
            "--print-report");
  }

  @Test
  void theLoadTestValuesChooseRatesKeysAndWhatItFollows() {
    Map<String, Object> job =
        ofKind(
                render(
                    values("dev"),
                    Map.of(
                        "loadTest.enabled", "true",
                        "loadTest.keys", "hot:0.8:0.1",
                        "loadTest.peakRate", "400",
                        "loadTest.viaIntake", "false",
                        "loadTest.scalerUrl", "http://lag-scaler:8080",
                        "loadTest.target", "store-totals")),
                "Job")
            .getFirst();
    List<String> args = strings(containers(podSpec(job)).getFirst().get("args"));
    assertThat(String.join(" ", args))
        .contains("--peak-rate 400", "--keys hot:0.8:0.1")
        .contains("--scaler-url http://lag-scaler:8080 --target store-totals")
        .doesNotContain("--intake-url");
  }

  @Test
  void theLoadTestRunsOnlyWhenAskedFor() {
    assertThat(render(values("dev"), Map.of()))
        .extracting(m -> m.get("kind"))
        .doesNotContain("Job");
    assertThat(render(values("dev"), Map.of("loadTest.profile", "spike")))
        .extracting(m -> m.get("kind"))
        .doesNotContain("Job");
  }

  // ---- network policies ----

  static Pod pod(String name) {
    return new Pod(
        NAMESPACE, Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/instance", RELEASE));
  }

  static final Pod PROMETHEUS =
      new Pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
  static final Pod BROKER = new Pod("kafka", Map.of("strimzi.io/kind", "Kafka"));
  static final Pod REDIS = new Pod("redis", Map.of("app.kubernetes.io/name", "redis"));
  static final Pod NEO4J = new Pod("neo4j", Map.of("app", "neo4j"));
  static final Pod ZIPKIN = new Pod("monitoring", Map.of("app.kubernetes.io/name", "zipkin"));
  static final Pod COREDNS = new Pod("kube-system", Map.of("k8s-app", "kube-dns"));

  static Stream<Arguments> flows() {
    return Stream.of(
        argumentSet("order-intake produces to Kafka", pod("order-intake"), BROKER, 9092, true),
        argumentSet("store-totals consumes from Kafka", pod("store-totals"), BROKER, 9092, true),
        argumentSet("store-totals writes Redis", pod("store-totals"), REDIS, 6379, true),
        argumentSet(
            "purchase-graph writes Neo4j over Bolt", pod("purchase-graph"), NEO4J, 7687, true),
        argumentSet(
            "every service sends spans to Zipkin", pod("purchase-graph"), ZIPKIN, 9411, true),
        argumentSet("services resolve names", pod("order-intake"), COREDNS, 53, true),
        argumentSet("Prometheus scrapes order-intake", PROMETHEUS, pod("order-intake"), 8080, true),
        argumentSet("Prometheus scrapes store-totals", PROMETHEUS, pod("store-totals"), 8080, true),
        argumentSet(
            "the load test posts orders", pod("load-test"), pod("order-intake"), 8080, true),
        argumentSet("the load test produces to Kafka", pod("load-test"), BROKER, 9092, true),
        argumentSet("store-totals cannot reach Neo4j", pod("store-totals"), NEO4J, 7687, false),
        argumentSet("purchase-graph cannot reach Redis", pod("purchase-graph"), REDIS, 6379, false),
        argumentSet("order-intake cannot reach Redis", pod("order-intake"), REDIS, 6379, false),
        argumentSet(
            "a consumer cannot call order-intake",
            pod("store-totals"),
            pod("order-intake"),
            8080,
            false),
        argumentSet(
            "the load test cannot call a consumer",
            pod("load-test"),
            pod("store-totals"),
            8080,
            false),
        argumentSet("Kafka cannot call a service", BROKER, pod("store-totals"), 8080, false),
        argumentSet(
            "Prometheus scrapes only the HTTP port", PROMETHEUS, pod("order-intake"), 5005, false));
  }

  @ParameterizedTest
  @MethodSource("flows")
  void theNetworkPoliciesAllowExactlyEachServicesFlows(
      Pod from, Pod to, int port, boolean allowed) {
    for (String variant : rendered.keySet()) {
      assertThat(new NetworkPolicies(rendered.get(variant)).allows(from, to, port))
          .as(variant + ": " + from + " -> " + to + ":" + port)
          .isEqualTo(allowed);
    }
  }

  @Test
  void theAlbReachesOnlyOrderIntakeFromTheVpc() {
    List<Map<String, Object>> policies = ofKind(rendered.get("dev"), "NetworkPolicy");
    assertThat(policies)
        .filteredOn(p -> String.valueOf(spec(p).get("ingress")).contains("ipBlock"))
        .singleElement()
        .satisfies(
            p -> {
              assertThat(Manifests.name(p)).isEqualTo("order-intake");
              assertThat(String.valueOf(spec(p).get("ingress")))
                  .contains("cidr=10.40.0.0/16", "port=8080");
            });
  }
}
