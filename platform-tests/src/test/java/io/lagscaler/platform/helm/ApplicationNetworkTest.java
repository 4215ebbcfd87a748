package io.lagscaler.platform.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.NetworkPolicies.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The three charts installed together, as {@code make platform app} does with the dev values: under
 * helm/platform's default deny in every namespace, the application charts' own NetworkPolicies and
 * the platform's flows together let the pipeline work, and nothing more.
 */
class ApplicationNetworkTest {

  static final String APP = "application";
  private static NetworkPolicies policies;

  @BeforeAll
  static void renderAllThree() {
    List<Map<String, Object>> manifests = new ArrayList<>();
    manifests.addAll(
        Charts.template(
            Repo.path("helm/platform"),
            Repo.path("helm/platform/values-dev.yaml"),
            Map.of("kafka.cluster.enabled", "true")));
    manifests.addAll(
        Charts.template(
            Repo.path("helm/lag-scaler"),
            "lag-scaler",
            APP,
            Repo.path("helm/lag-scaler/values-dev.yaml"),
            Map.of()));
    manifests.addAll(
        Charts.template(
            Repo.path("helm/retail-services"),
            "retail-services",
            APP,
            Repo.path("helm/retail-services/values-dev.yaml"),
            Map.of("loadTest.enabled", "true")));
    policies = new NetworkPolicies(manifests);
  }

  static Pod app(String name, String release) {
    return new Pod(
        APP, Map.of("app.kubernetes.io/name", name, "app.kubernetes.io/instance", release));
  }

  static final Pod LAG_SCALER = app("lag-scaler", "lag-scaler");
  static final Pod ORDER_INTAKE = app("order-intake", "retail-services");
  static final Pod STORE_TOTALS = app("store-totals", "retail-services");
  static final Pod PURCHASE_GRAPH = app("purchase-graph", "retail-services");
  static final Pod LOAD_TEST = app("load-test", "retail-services");
  static final Pod BROKER =
      new Pod("kafka", Map.of("strimzi.io/kind", "Kafka", "strimzi.io/pool-name", "brokers"));
  static final Pod REDIS = new Pod("redis", Map.of("app.kubernetes.io/name", "redis"));
  static final Pod NEO4J = new Pod("neo4j", Map.of("app", "neo4j"));
  static final Pod ZIPKIN = new Pod("monitoring", Map.of("app.kubernetes.io/name", "zipkin"));
  static final Pod PROMETHEUS =
      new Pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));

  // Not asserted here: which application pod may reach which store. helm/platform opens Kafka,
  // Redis, Neo4j and Zipkin to every pod of the namespace, and policies only add, so the charts'
  // per-service egress (RetailServicesChartTest) cannot narrow it while the platform's flows have
  // no fromPods.
  static Stream<Arguments> flows() {
    return Stream.of(
        argumentSet("lag-scaler reads the brokers", LAG_SCALER, BROKER, 9092, true),
        argumentSet("order-intake produces to the brokers", ORDER_INTAKE, BROKER, 9092, true),
        argumentSet("store-totals consumes and writes Redis", STORE_TOTALS, REDIS, 6379, true),
        argumentSet("purchase-graph writes Neo4j", PURCHASE_GRAPH, NEO4J, 7687, true),
        argumentSet("services send spans to Zipkin", STORE_TOTALS, ZIPKIN, 9411, true),
        argumentSet("the load test posts to order-intake", LOAD_TEST, ORDER_INTAKE, 8080, true),
        argumentSet("the load test produces to the brokers", LOAD_TEST, BROKER, 9092, true),
        argumentSet("Prometheus scrapes lag-scaler", PROMETHEUS, LAG_SCALER, 8080, true),
        argumentSet("Prometheus scrapes purchase-graph", PROMETHEUS, PURCHASE_GRAPH, 8080, true),
        argumentSet("order-intake cannot call lag-scaler", ORDER_INTAKE, LAG_SCALER, 8080, false),
        argumentSet(
            "purchase-graph cannot call store-totals", PURCHASE_GRAPH, STORE_TOTALS, 8080, false),
        argumentSet("the brokers cannot call order-intake", BROKER, ORDER_INTAKE, 8080, false),
        argumentSet("Redis cannot call order-intake", REDIS, ORDER_INTAKE, 8080, false));
  }

  @ParameterizedTest
  @MethodSource("flows")
  void thePipelinesFlowsWorkUnderTheDefaultDenyAndNothingElse(
      Pod from, Pod to, int port, boolean allowed) {
    assertThat(policies.allows(from, to, port))
        .as(from + " -> " + to + ":" + port)
        .isEqualTo(allowed);
  }

  @ParameterizedTest
  @MethodSource("pods")
  void onlyTheControllerReachesTheKubernetesApi(Pod pod, boolean allowed) {
    assertThat(policies.allowsEgressToAddress(pod, "10.40.37.12", 443)).isEqualTo(allowed);
  }

  static Stream<Arguments> pods() {
    return Stream.of(
        argumentSet("lag-scaler", LAG_SCALER, true),
        argumentSet("order-intake", ORDER_INTAKE, false),
        argumentSet("store-totals", STORE_TOTALS, false),
        argumentSet("the load test", LOAD_TEST, false));
  }
}
