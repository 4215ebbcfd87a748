package io.lagscaler.platform.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.platform.Repo;
import io.lagscaler.platform.cfn.CfnYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * helm/Makefile and the third-party values in helm/platform/third-party: every chart pinned, every
 * values file present, and the values agree with the CloudFormation stack (service accounts of the
 * IRSA roles, outputs read, node labels and taints).
 */
class ThirdPartyChartsTest {

  private static String makefile;
  private static Map<String, String> variables;
  private static Path thirdParty;
  private static Map<String, Object> mainTemplate;

  @BeforeAll
  static void read() throws IOException {
    HelmMakefile parsed = HelmMakefile.read();
    makefile = parsed.text();
    variables = parsed.variables();
    thirdParty = Repo.path("helm/platform/third-party");
    mainTemplate = CfnYaml.load(Repo.path("infra/cloudformation/main.yaml"));
  }

  /** The charts the Makefile installs, by variable prefix (STRIMZI, REDIS, ...). */
  private static List<String> chartPrefixes() {
    return variables.keySet().stream()
        .filter(k -> k.endsWith("_CHART"))
        .map(k -> k.substring(0, k.length() - "_CHART".length()))
        .toList();
  }

  @Test
  void everyThirdPartyChartIsPinnedToAnExactVersionAndInstalledWithIt() {
    assertThat(chartPrefixes())
        .containsExactlyInAnyOrder(
            "STRIMZI",
            "REDIS",
            "NEO4J",
            "KUBE_PROMETHEUS_STACK",
            "ZIPKIN",
            "NODE_TERMINATION_HANDLER",
            "CLUSTER_AUTOSCALER",
            "LOAD_BALANCER_CONTROLLER",
            "KARPENTER",
            "EXTERNAL_SECRETS",
            "FLUENT_BIT",
            "VELERO",
            "ARGO_CD");
    for (String chart : chartPrefixes()) {
      assertThat(variables.get(chart + "_VERSION"))
          .as(chart + "_VERSION")
          .matches("\\d+\\.\\d+\\.\\d+");
      String install = "$(" + chart + "_CHART) --version $(" + chart + "_VERSION)";
      assertThat(
              makefile
                  .lines()
                  .filter(l -> l.contains("$(HELM)") && l.contains("$(" + chart + "_CHART)")))
          .as(chart + " installs")
          .isNotEmpty()
          .allSatisfy(l -> assertThat(l).contains(install));
      String reference = variables.get(chart + "_CHART");
      // An OCI reference names its registry itself; a repo/chart name needs its repository added.
      if (!reference.startsWith("oci://")) {
        String repo = reference.split("/")[0];
        assertThat(makefile).as("helm repo add " + repo).contains("helm repo add " + repo + " ");
      }
    }
    assertThat(variables.get("HELM")).startsWith("helm upgrade --install");
  }

  @Test
  void everyValuesFileTheMakefileNamesExistsAndEveryOverlayBelongsToAChart() throws IOException {
    Set<String> named = new LinkedHashSet<>();
    Matcher m = Pattern.compile("\\$\\(call values,([a-z0-9-]+)\\)").matcher(makefile);
    while (m.find()) {
      named.add(m.group(1));
    }
    assertThat(named).hasSize(chartPrefixes().size());
    for (String chart : named) {
      Path values = thirdParty.resolve(chart + ".yaml");
      assertThat(values).as(chart).isRegularFile();
      assertThat(Charts.readYaml(values)).as(chart).isNotEmpty();
    }
    try (Stream<Path> entries = Files.list(thirdParty)) {
      for (Path entry : entries.toList()) {
        if (Files.isDirectory(entry)) {
          assertThat(entry.getFileName().toString()).isIn("dev", "stage", "prod");
          try (Stream<Path> overlays = Files.list(entry)) {
            for (Path overlay : overlays.toList()) {
              String chart = overlay.getFileName().toString().replace(".yaml", "");
              assertThat(named).as("overlay " + entry.getFileName() + "/" + chart).contains(chart);
              assertThat(Charts.readYaml(overlay)).isNotEmpty();
            }
          }
        } else {
          assertThat(named)
              .as("values file " + entry.getFileName())
              .contains(entry.getFileName().toString().replace(".yaml", ""));
        }
      }
    }
  }

  @Test
  void makeTargetPlatformInstallsInDependencyOrder() {
    Matcher m = Pattern.compile("^platform: (.+)$", Pattern.MULTILINE).matcher(makefile);
    assertThat(m.find()).as("a platform target").isTrue();
    assertThat(List.of(m.group(1).trim().split("\\s+")))
        .containsExactly(
            "repos",
            "kubeconfig",
            "platform-base",
            "monitoring",
            "node-autoscaling",
            "load-balancer-controller",
            "external-secrets",
            "kafka",
            "redis",
            "neo4j",
            "zipkin",
            "logging",
            "backups");
    // Each step that upgrades the platform release keeps what the others turned on.
    assertThat(makefile.lines().filter(l -> l.contains("$(HELM) platform ./platform")))
        .hasSizeGreaterThanOrEqualTo(4)
        .allSatisfy(l -> assertThat(l).contains("--reset-then-reuse-values"));
    assertThat(makefile)
        .contains("--set kafka.cluster.enabled=true")
        .containsPattern("(?m)^app: ")
        .containsPattern("(?m)^load-test: ");
  }

  @Test
  void everyStackOutputTheMakefileReadsExists() {
    Set<String> read = new LinkedHashSet<>();
    Matcher m = Pattern.compile("\\$\\(call output,(\\w+)\\)").matcher(makefile);
    while (m.find()) {
      read.add(m.group(1));
    }
    assertThat(read)
        .contains(
            "ClusterName",
            "InterruptionQueueUrl",
            "ClusterAutoscalerRoleArn",
            "NodeTerminationHandlerRoleArn",
            "VpcCidr");
    assertThat(map(mainTemplate, "Outputs")).containsKeys(read.toArray(String[]::new));
  }

  @Test
  void nodeTerminationHandlerDrainsFromTheStacksInterruptionQueue() {
    Map<String, Object> values =
        Charts.readYaml(thirdParty.resolve("aws-node-termination-handler.yaml"));
    assertThat(values).containsEntry("enableSqsTerminationDraining", true);
    // Queue mode's monitor is the ServiceMonitor; the PodMonitor renders only in IMDS mode.
    assertThat(map(values, "serviceMonitor")).containsEntry("create", true);
    assertThat(values).doesNotContainKey("podMonitor");
    assertThat(makefile).contains("--set queueURL=$(call output,InterruptionQueueUrl)");
    assertThat(makefile)
        .contains(
            "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=$(call output,NodeTerminationHandlerRoleArn)");
    assertServiceAccountMatchesStack(
        "NodeTerminationHandlerServiceAccount",
        "aws-node-termination-handler",
        String.valueOf(map(values, "serviceAccount").get("name")));
  }

  @Test
  void clusterAutoscalerBalancesSimilarNodeGroupsWithItsOwnRole() {
    Map<String, Object> values = Charts.readYaml(thirdParty.resolve("cluster-autoscaler.yaml"));
    assertThat(values).containsEntry("cloudProvider", "aws");
    assertThat(map(values, "extraArgs")).containsEntry("balance-similar-node-groups", true);
    assertThat(makefile).contains("--set autoDiscovery.clusterName=$(call output,ClusterName)");
    assertThat(makefile)
        .contains(
            "rbac.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=$(call output,ClusterAutoscalerRoleArn)");
    assertServiceAccountMatchesStack(
        "ClusterAutoscalerServiceAccount",
        "cluster-autoscaler",
        String.valueOf(map(map(values, "rbac"), "serviceAccount").get("name")));
  }

  @Test
  void loadBalancerControllerMakesAlbsInTheStacksVpcWithItsOwnRole() {
    Map<String, Object> values =
        Charts.readYaml(thirdParty.resolve("aws-load-balancer-controller.yaml"));
    assertThat(values)
        .containsEntry("defaultTargetType", "ip")
        .containsEntry("ingressClass", "alb");
    assertThat(makefile)
        .contains("--set vpcId=$(call output,VpcId)")
        .contains(
            "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=$(call output,LoadBalancerControllerRoleArn)");
    assertServiceAccountMatchesStack(
        "LoadBalancerControllerServiceAccount",
        "aws-load-balancer-controller",
        String.valueOf(map(values, "serviceAccount").get("name")));
  }

  @Test
  void newSystemsRunUnderTheServiceAccountsTheirIrsaRolesTrust() {
    assertServiceAccountMatchesStack(
        "KarpenterServiceAccount",
        "karpenter",
        String.valueOf(
            map(Charts.readYaml(thirdParty.resolve("karpenter.yaml")), "serviceAccount")
                .get("name")));
    assertServiceAccountMatchesStack(
        "ExternalSecretsServiceAccount",
        "external-secrets",
        String.valueOf(
            map(Charts.readYaml(thirdParty.resolve("external-secrets.yaml")), "serviceAccount")
                .get("name")));
    assertServiceAccountMatchesStack(
        "FluentBitServiceAccount",
        "aws-for-fluent-bit",
        String.valueOf(
            map(Charts.readYaml(thirdParty.resolve("aws-for-fluent-bit.yaml")), "serviceAccount")
                .get("name")));
    assertServiceAccountMatchesStack(
        "VeleroServiceAccount",
        "velero",
        String.valueOf(
            map(map(Charts.readYaml(thirdParty.resolve("velero.yaml")), "serviceAccount"), "server")
                .get("name")));
    assertThat(makefile)
        .contains("eks\\.amazonaws\\.com/role-arn=$(call output,KarpenterRoleArn)")
        .contains("eks\\.amazonaws\\.com/role-arn=$(call output,ExternalSecretsRoleArn)")
        .contains("eks\\.amazonaws\\.com/role-arn=$(call output,FluentBitRoleArn)")
        .contains("eks\\.amazonaws\\.com/role-arn=$(call output,VeleroRoleArn)")
        .contains("cloudWatchLogs.logGroupName=$(call output,ContainerLogGroupName)")
        .contains("settings.interruptionQueue=$(call output,InterruptionQueueName)");
  }

  /** The IRSA trust policy names namespace:name; the chart must create exactly that account. */
  private static void assertServiceAccountMatchesStack(
      String parameter, String release, String accountName) {
    String expected =
        String.valueOf(map(map(mainTemplate, "Parameters"), parameter).get("Default"));
    String namespace = installNamespace(release);
    assertThat(namespace + ":" + accountName).as(parameter).isEqualTo(expected);
  }

  private static String installNamespace(String release) {
    Matcher m =
        Pattern.compile("\\$\\(HELM\\) " + Pattern.quote(release) + " .* -n ([a-z-]+)")
            .matcher(makefile);
    assertThat(m.find()).as("install of " + release).isTrue();
    return m.group(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void dataStoresRunOnTheStatefulNodesTheStackTaints() throws IOException {
    Map<String, Object> nodegroups =
        CfnYaml.load(Repo.path("infra/cloudformation/nodegroups.yaml"));
    Map<String, Object> group =
        map(map(map(nodegroups, "Resources"), "StatefulNodeGroupA"), "Properties");
    Map<?, ?> taint = (Map<?, ?>) ((List<?>) group.get("Taints")).getFirst();
    Map<String, Object> toleration =
        Map.of(
            "key",
            taint.get("Key"),
            "operator",
            "Equal",
            "value",
            taint.get("Value"),
            "effect",
            "NoSchedule");
    assertThat(taint.get("Effect")).isEqualTo("NO_SCHEDULE");
    Map<String, Object> nodeSelector =
        Map.of(
            String.valueOf(taint.get("Key")),
            map(group, "Labels").get(String.valueOf(taint.get("Key"))));

    Map<String, Object> redis = Charts.readYaml(thirdParty.resolve("redis.yaml"));
    Map<String, Object> neo4j = Charts.readYaml(thirdParty.resolve("neo4j.yaml"));
    Map<String, Object> prometheus =
        map(
            map(Charts.readYaml(thirdParty.resolve("kube-prometheus-stack.yaml")), "prometheus"),
            "prometheusSpec");
    List<Map<String, Object>> placements = new ArrayList<>();
    placements.add(map(redis, "master"));
    placements.add(map(redis, "replica"));
    placements.add(prometheus);
    for (Map<String, Object> placement : placements) {
      assertThat(placement.get("nodeSelector")).isEqualTo(nodeSelector);
      assertThat((List<Object>) placement.get("tolerations")).contains(toleration);
    }
    // Neo4j by required node affinity: its chart fails the install when no node carries the
    // nodeSelector labels, which is the case while the stateful groups are at size 0.
    assertThat(neo4j).doesNotContainKey("nodeSelector");
    assertThat(String.valueOf(map(neo4j, "podSpec").get("nodeAffinity")))
        .contains("requiredDuringSchedulingIgnoredDuringExecution")
        .contains("key=" + taint.get("Key") + ", operator=In, values=[" + taint.get("Value") + "]");
    assertThat((List<Object>) map(neo4j, "podSpec").get("tolerations")).contains(toleration);
    assertThat(String.valueOf(map(map(redis, "master"), "persistence").get("storageClass")))
        .isEqualTo("gp3");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }
}
