package io.lagscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.decide.ScalingPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Targets declared in a workload's annotations, validated by the config's rules. */
class AnnotationTargetsTest {

  private static final WorkloadRef ORDERS =
      new WorkloadRef("shop", WorkloadKind.DEPLOYMENT, "orders");
  private static final ScalingPolicy DEFAULTS = ScalingPolicy.DEFAULTS;
  private static final ScalerConfig.KafkaConfig SOME_CLUSTER =
      new ScalerConfig.KafkaConfig("kafka:9092", Map.of(), Map.of(), Duration.ofSeconds(10));
  private static final Map<String, ScalerConfig.KafkaConfig> CLUSTERS =
      Map.of("default", SOME_CLUSTER, "payments", SOME_CLUSTER);

  @Test
  void aWorkloadWithoutAConsumerGroupAnnotationIsNotATarget() {
    assertThat(
            AnnotationTargets.parse(
                ORDERS, Map.of("lagscaler.io/min-replicas", "2"), DEFAULTS, CLUSTERS))
        .isInstanceOf(AnnotationTargets.NotOptedIn.class);
  }

  @Test
  void theAnnotationsSetTheTargetsFieldsOverTheConfigsDefaults() {
    var result =
        AnnotationTargets.parse(
            ORDERS,
            Map.of(
                "lagscaler.io/consumer-group", "orders-group",
                "lagscaler.io/min-replicas", "2",
                "lagscaler.io/max-replicas", "8",
                "lagscaler.io/target-lag", "45s",
                "lagscaler.io/topics", "orders, refunds",
                "lagscaler.io/fallback-replicas", "3",
                "lagscaler.io/kafka-cluster", "payments",
                "lagscaler.io/paused", "false"),
            DEFAULTS,
            CLUSTERS);

    assertThat(result)
        .isInstanceOfSatisfying(
            AnnotationTargets.Valid.class,
            v -> {
              assertThat(v.target().kafkaCluster()).isEqualTo("payments");
              assertThat(v.target().name()).isEqualTo("shop/deployment/orders");
              assertThat(v.target().workload()).isEqualTo(ORDERS);
              assertThat(v.target().consumerGroup()).isEqualTo("orders-group");
              assertThat(v.target().topics()).containsExactly("orders", "refunds");
              assertThat(v.target().policy().minReplicas()).isEqualTo(2);
              assertThat(v.target().policy().maxReplicas()).isEqualTo(8);
              assertThat(v.target().policy().targetLag()).isEqualTo(Duration.ofSeconds(45));
              assertThat(v.target().policy().fallbackReplicas()).hasValue(3);
              assertThat(v.target().policy().mode()).isEqualTo(DEFAULTS.mode());
            });
  }

  @Test
  void noKafkaClusterAnnotationMeansTheDefaultCluster() {
    var result =
        AnnotationTargets.parse(
            ORDERS, Map.of("lagscaler.io/consumer-group", "g"), DEFAULTS, CLUSTERS);

    assertThat(result)
        .isInstanceOfSatisfying(
            AnnotationTargets.Valid.class,
            v -> assertThat(v.target().kafkaCluster()).isEqualTo("default"));
  }

  @Test
  void aKafkaClusterTheConfigDoesNotNameIsABadAnnotation() {
    var result =
        AnnotationTargets.parse(
            ORDERS,
            Map.of("lagscaler.io/consumer-group", "g", "lagscaler.io/kafka-cluster", "nowhere"),
            DEFAULTS,
            CLUSTERS);

    assertThat(result)
        .isInstanceOfSatisfying(
            AnnotationTargets.Invalid.class,
            invalid ->
                assertThat(invalid.errors())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.path()).isEqualTo("lagscaler.io/kafka-cluster");
                          assertThat(e.message()).contains("'nowhere' is not a configured cluster");
                        }));
  }

  @Test
  void everyBadAnnotationIsNamedWithWhatIsWrong() {
    var result =
        AnnotationTargets.parse(
            ORDERS,
            Map.of(
                "lagscaler.io/consumer-group", "g",
                "lagscaler.io/min-replicas", "five",
                "lagscaler.io/target-lag", "soon",
                "lagscaler.io/max-replica", "4"),
            DEFAULTS,
            CLUSTERS);

    assertThat(result)
        .isInstanceOfSatisfying(
            AnnotationTargets.Invalid.class,
            invalid -> {
              assertThat(invalid.errors())
                  .extracting(ConfigError::path)
                  .contains(
                      "lagscaler.io/min-replicas",
                      "lagscaler.io/target-lag",
                      "lagscaler.io/max-replica");
              assertThat(invalid.message())
                  .startsWith("invalid lag-scaler annotations on Deployment shop/orders: ")
                  .contains("unknown annotation");
            });
  }

  @Test
  void contradictionsAreRejectedAsInTheConfigNamingBothAnnotations() {
    var result =
        AnnotationTargets.parse(
            ORDERS,
            Map.of(
                "lagscaler.io/consumer-group", "g",
                "lagscaler.io/min-replicas", "6",
                "lagscaler.io/max-replicas", "3"),
            DEFAULTS,
            CLUSTERS);

    assertThat(result)
        .isInstanceOfSatisfying(
            AnnotationTargets.Invalid.class,
            invalid ->
                assertThat(invalid.errors())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.path()).isEqualTo("lagscaler.io/max-replicas");
                          assertThat(e.message()).contains("below minReplicas 6");
                        }));
  }

  @Test
  void anEmptyConsumerGroupIsAnError() {
    assertThat(
            AnnotationTargets.parse(
                ORDERS, Map.of("lagscaler.io/consumer-group", " "), DEFAULTS, CLUSTERS))
        .isInstanceOfSatisfying(
            AnnotationTargets.Invalid.class,
            invalid ->
                assertThat(invalid.errors())
                    .extracting(ConfigError::path)
                    .contains("lagscaler.io/consumer-group"));
  }

  @Test
  void aLabelSelectorMatchesAsKubectlDoes() {
    LabelSelector selector =
        LabelSelector.parse("lagscaler.io/enabled=true,tier in (a, b),!legacy,team");

    assertThat(selector.matches(Map.of("lagscaler.io/enabled", "true", "tier", "a", "team", "x")))
        .isTrue();
    assertThat(selector.matches(Map.of("lagscaler.io/enabled", "true", "tier", "c", "team", "x")))
        .isFalse();
    assertThat(
            selector.matches(
                Map.of("lagscaler.io/enabled", "true", "tier", "a", "team", "x", "legacy", "")))
        .isFalse();
    assertThat(selector.matches(Map.of("lagscaler.io/enabled", "true", "tier", "a"))).isFalse();
    assertThat(LabelSelector.parse("env!=prod").matches(Map.of())).isTrue();
    assertThat(LabelSelector.parse("tier notin (a)").matches(Map.of("tier", "a"))).isFalse();
  }

  @Test
  void aSelectorThatIsNotOneIsRejectedNamingThePart() {
    assertThatThrownBy(() -> LabelSelector.parse("app=orders,=x"))
        .hasMessageContaining("'=x' is not a label requirement");
    assertThatThrownBy(() -> LabelSelector.parse("app=orders,"))
        .hasMessageContaining("empty requirement");
  }
}
