package io.lagscaler.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.act.WorkloadKind;
import io.lagscaler.decide.ScalingPolicy;
import io.lagscaler.observe.Isolation;
import io.lagscaler.observe.OffsetReset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigParserTest {

  private static final String MINIMAL =
      """
      kafka:
        bootstrapServers: localhost:9092
      targets:
        - name: totals
          namespace: shop
          workload: store-totals
          consumerGroup: store-totals
      """;

  private static List<String> errors(String yaml) {
    try {
      ConfigParser.parse(yaml);
    } catch (InvalidConfigException e) {
      return e.errors().stream().map(ConfigError::toString).toList();
    }
    throw new AssertionError("expected the config to be rejected:\n" + yaml);
  }

  @Test
  void theShippedExampleIsValidAndComplete() throws Exception {
    ScalerConfig config =
        ConfigParser.parse(Files.readString(Path.of("..", "examples", "lag-scaler.yaml")));
    assertThat(config.targets()).hasSize(2);
    ScalerConfig.Target totals = config.targets().getFirst();
    assertThat(totals.workload().kind()).isEqualTo(WorkloadKind.DEPLOYMENT);
    assertThat(totals.topics()).containsExactly("orders");
    assertThat(totals.policy().maxReplicas()).isEqualTo(24);
    assertThat(totals.policy().targetLag()).isEqualTo(Duration.ofSeconds(20));
    assertThat(totals.policy().fallbackReplicas()).hasValue(4);
    assertThat(totals.policy().scaleDown().stabilizationWindow())
        .isEqualTo(Duration.ofSeconds(120));
    ScalerConfig.Target graph = config.targets().get(1);
    assertThat(graph.workload().kind()).isEqualTo(WorkloadKind.STATEFUL_SET);
    assertThat(graph.policy().mode()).isEqualTo(ScalingPolicy.Mode.LAG);
    assertThat(graph.policy().scaleToZero()).isTrue();
    assertThat(graph.dryRun()).isTrue();
    assertThat(config.kafka().secretProperties())
        .containsEntry(
            "sasl.jaas.config", new ScalerConfig.SecretRef.Env("KAFKA_SASL_JAAS_CONFIG"));
  }

  @Test
  void aMinimalConfigTakesEveryDefault() throws Exception {
    ScalerConfig config = ConfigParser.parse(MINIMAL);
    assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(5));
    ScalerConfig.Target t = config.targets().getFirst();
    assertThat(t.policy()).isEqualTo(ScalingPolicy.DEFAULTS);
    assertThat(t.offsetReset()).isEqualTo(OffsetReset.LATEST);
    assertThat(t.isolation()).isEqualTo(Isolation.READ_UNCOMMITTED);
    assertThat(t.topics()).isEmpty();
  }

  @Test
  void targetsOverrideDefaultsWhichOverrideTheEngine() throws Exception {
    ScalerConfig config =
        ConfigParser.parse(
            MINIMAL.replace("targets:", "defaults:\n  maxReplicas: 40\n  targetLag: 1m\ntargets:")
                + "    targetLag: 15s\n");
    ScalingPolicy p = config.targets().getFirst().policy();
    assertThat(p.maxReplicas()).isEqualTo(40);
    assertThat(p.targetLag()).isEqualTo(Duration.ofSeconds(15));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        argumentSet(
            "an empty file",
            "",
            List.of("the config is empty: it needs at least kafka and targets")),
        argumentSet("not YAML", "kafka: [unclosed", List.of("not valid YAML at line")),
        argumentSet(
            "a scalar document",
            "just text",
            List.of("the config must be a YAML mapping, was 'just text'")),
        argumentSet(
            "nothing required",
            "pollInterval: 5s",
            List.of("kafka: is required", "targets: is required")),
        argumentSet(
            "max below min, in the issue's words",
            MINIMAL + "    minReplicas: 1\n    maxReplicas: 0\n",
            List.of("targets[0].maxReplicas: 0 is below minReplicas 1")),
        argumentSet(
            "a typo is an unknown field, with a suggestion",
            MINIMAL + "    maxReplica: 4\n",
            List.of("targets[0].maxReplica: unknown field (did you mean 'maxReplicas'?)")),
        argumentSet(
            "wrong types",
            MINIMAL.replace("kafka:", "pollInterval: 5\nkafka:") + "    minReplicas: two\n",
            List.of(
                "pollInterval: must be a duration like 500ms, 30s, 5m or 1h, was 5",
                "targets[0].minReplicas: must be an integer, was 'two'")),
        argumentSet(
            "zero replicas without scale to zero",
            MINIMAL + "    minReplicas: 0\n",
            List.of("targets[0].minReplicas: 0 requires scaleToZero: true")),
        argumentSet(
            "an inline secret",
            MINIMAL.replace(
                "  bootstrapServers: localhost:9092",
                "  bootstrapServers: localhost:9092\n  properties:\n    ssl.keystore.password: hunter2"),
            List.of("kafka.properties.ssl.keystore.password: looks like a secret")),
        argumentSet(
            "a secret with both env and file",
            MINIMAL.replace(
                "  bootstrapServers: localhost:9092",
                "  bootstrapServers: localhost:9092\n  secretProperties:\n    sasl.jaas.config: {env: A, file: /b}"),
            List.of("kafka.secretProperties.sasl.jaas.config: give exactly one of env or file")),
        argumentSet(
            "an unknown kind and a bad enum",
            MINIMAL + "    kind: DaemonSet\n    offsetReset: newest\n",
            List.of(
                "targets[0].kind: 'DaemonSet' is not one of Deployment, StatefulSet",
                "targets[0].offsetReset: 'newest' is not one of latest, earliest, none")),
        argumentSet(
            "two targets on one workload",
            MINIMAL
                + "  - name: other\n    namespace: shop\n    workload: store-totals\n    consumerGroup: x\n",
            List.of(
                "targets[1].workload: Deployment shop/store-totals is already scaled by targets[0]")),
        argumentSet(
            "fallback above max, a rate policy without a type",
            MINIMAL
                + "    maxReplicas: 4\n    fallback: {replicas: 6}\n"
                + "    behavior: {scaleUp: {policies: [{value: 2}]}}\n",
            List.of(
                "targets[0].behavior.scaleUp.policies[0].type: is required: pods or percent",
                "targets[0].fallback.replicas: 6 is above maxReplicas 4")),
        argumentSet(
            "a duplicate key", MINIMAL + "    workload: again\n", List.of("not valid YAML")),
        argumentSet(
            "both cluster forms",
            MINIMAL + "kafkaClusters: [{name: eu, bootstrapServers: eu:9092}]\n",
            List.of("kafkaClusters: give either kafka (one cluster) or kafkaClusters")),
        argumentSet(
            "a duplicate cluster name, a bad one, a cluster without servers",
            TWO_CLUSTERS.replace(
                "  - name: us\n    bootstrapServers: us:9092\n",
                "  - name: eu\n    bootstrapServers: eu2:9092\n  - name: US_1\n"
                    + "    bootstrapServers: us:9092\n  - name: ap\n"),
            List.of(
                "kafkaClusters[1].name: 'eu' is already the name of kafkaClusters[0]",
                "kafkaClusters[2].name: 'US_1' is not a valid cluster name",
                "kafkaClusters[3].bootstrapServers: is required")),
        argumentSet(
            "a target on an unknown cluster, a target that names none of several",
            TWO_CLUSTERS.replace("kafkaCluster: us", "kafkaCluster: asia")
                + "  - name: loose\n    namespace: shop\n    workload: loose\n"
                + "    consumerGroup: loose\n",
            List.of(
                "targets[1].kafkaCluster: 'asia' is not a configured cluster; the clusters are: eu,"
                    + " us",
                "targets[2].kafkaCluster: is required: there are several kafkaClusters (eu, us) and"
                    + " none is named 'default'")),
        argumentSet(
            "an inline secret in a named cluster",
            TWO_CLUSTERS.replace(
                "bootstrapServers: us:9092\n",
                "bootstrapServers: us:9092\n    properties: {sasl.jaas.config: x}\n"),
            List.of(
                "kafkaClusters[1].properties.sasl.jaas.config: looks like a secret: give it under"
                    + " kafkaClusters[1].secretProperties")),
        argumentSet(
            "the single form names its one cluster default",
            MINIMAL + "    kafkaCluster: eu\n",
            List.of(
                "targets[0].kafkaCluster: 'eu' is not a configured cluster; the clusters are:"
                    + " default")));
  }

  private static final String TWO_CLUSTERS =
      """
      kafkaClusters:
        - name: eu
          bootstrapServers: eu:9092
          requestTimeout: 3s
        - name: us
          bootstrapServers: us:9092
          secretProperties:
            sasl.jaas.config: {env: US_JAAS}
      targets:
        - name: totals-eu
          namespace: shop
          workload: totals-eu
          consumerGroup: store-totals
          kafkaCluster: eu
        - name: totals-us
          namespace: shop
          workload: totals-us
          consumerGroup: store-totals
          kafkaCluster: us
      """;

  @Test
  void namedClustersEachKeepTheirSettingsAndEachTargetItsCluster() throws Exception {
    ScalerConfig config = ConfigParser.parse(TWO_CLUSTERS);
    assertThat(config.kafkaClusters().keySet()).containsExactly("eu", "us");
    assertThat(config.kafkaClusters().get("eu").requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.kafkaClusters().get("us").secretProperties()).containsKey("sasl.jaas.config");
    assertThat(config.targets())
        .extracting(ScalerConfig.Target::kafkaCluster)
        .containsExactly("eu", "us");
    // The same group id in two clusters is two groups: each cluster reads its own.
    assertThat(config.groupQueries("eu")).hasSize(1);
    assertThat(config.groupQueries("us")).hasSize(1);
    assertThatThrownBy(
            () ->
                KafkaClientProperties.resolve(
                    config.clusterSection("us"),
                    config.kafkaClusters().get("us"),
                    Map.<String, String>of()::get))
        .hasMessageContaining(
            "kafkaClusters[us].secretProperties.sasl.jaas.config: environment variable US_JAAS is"
                + " not set");
  }

  @Test
  void theTimeLagSourceIsInterpolatedUnlessRecordTimestampIsAskedFor() throws Exception {
    assertThat(ConfigParser.parse(MINIMAL).signals().timeLag())
        .isEqualTo(io.lagscaler.signals.SignalSettings.TimeLagSource.INTERPOLATED);
    assertThat(
            ConfigParser.parse(MINIMAL + "signals: {timeLag: record-timestamp}\n")
                .signals()
                .timeLag())
        .isEqualTo(io.lagscaler.signals.SignalSettings.TimeLagSource.RECORD_TIMESTAMP);
    assertThat(errors(MINIMAL + "signals: {timeLag: exact}\n"))
        .anySatisfy(e -> assertThat(e).startsWith("signals.timeLag: 'exact' is not one of"));
  }

  @Test
  void aTargetWithoutAClusterReadsTheOnlyOneOrTheOneNamedDefault() throws Exception {
    assertThat(ConfigParser.parse(MINIMAL).targets().getFirst().kafkaCluster())
        .isEqualTo("default");
    String withDefault =
        TWO_CLUSTERS.replace("name: eu", "name: default").replace("kafkaCluster: eu", "");
    ScalerConfig config = ConfigParser.parse(withDefault);
    assertThat(config.targets())
        .extracting(ScalerConfig.Target::kafkaCluster)
        .containsExactly("default", "us");
    String oneNamed =
        """
        kafkaClusters: [{name: eu, bootstrapServers: eu:9092}]
        targets: [{name: t, namespace: shop, workload: t, consumerGroup: g}]
        """;
    assertThat(ConfigParser.parse(oneNamed).targets().getFirst().kafkaCluster()).isEqualTo("eu");
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void invalidConfigsAreRejectedWithEveryErrorByPath(String yaml, List<String> expected) {
    List<String> errors = errors(yaml);
    for (String e : expected) {
      assertThat(errors)
          .as("errors: " + errors)
          .anySatisfy(actual -> assertThat(actual).startsWith(e));
    }
  }

  @Test
  void secretsResolveFromTheEnvironmentAndNeverShowInTheRedactedView() throws Exception {
    ScalerConfig config =
        ConfigParser.parse(
            MINIMAL.replace(
                "  bootstrapServers: localhost:9092",
                "  bootstrapServers: localhost:9092\n  secretProperties:\n    sasl.jaas.config: {env: JAAS}"));
    KafkaClientProperties props =
        KafkaClientProperties.resolve(config.kafka(), Map.of("JAAS", "s3cr3t-jaas")::get);
    assertThat(props.forClient()).containsEntry("sasl.jaas.config", "s3cr3t-jaas");
    assertThat(props.redacted()).containsEntry("sasl.jaas.config", "[redacted]");
    assertThat(props.toString()).doesNotContain("s3cr3t");
  }

  @Test
  void aMissingSecretNamesTheVariable() throws Exception {
    ScalerConfig config =
        ConfigParser.parse(
            MINIMAL.replace(
                "  bootstrapServers: localhost:9092",
                "  bootstrapServers: localhost:9092\n  secretProperties:\n    sasl.jaas.config: {env: NOPE}"));
    assertThatThrownBy(
            () -> KafkaClientProperties.resolve(config.kafka(), Map.<String, String>of()::get))
        .hasMessageContaining(
            "kafka.secretProperties.sasl.jaas.config: environment variable NOPE is not set");
  }

  @Test
  void everyFieldOfTheExampleIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    java.util.regex.Matcher keys =
        java.util.regex.Pattern.compile("(?m)^\\s*-?\\s*([a-zA-Z]+):")
            .matcher(Files.readString(Path.of("..", "examples", "lag-scaler.yaml")));
    int checked = 0;
    while (keys.find()) {
      assertThat(doc)
          .as("docs/configuration.md documents " + keys.group(1))
          // Documented = the key is a word inside a code span (`behavior.scaleUp`, `env`).
          .containsPattern("`[^`\\n]*\\b" + keys.group(1) + "\\b[^`\\n]*`");
      checked++;
    }
    assertThat(checked).isGreaterThan(40);
  }
}
