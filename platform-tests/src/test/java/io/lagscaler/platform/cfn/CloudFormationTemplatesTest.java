package io.lagscaler.platform.cfn;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.platform.Repo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cluster templates in infra/cloudformation: valid per the AWS resource specification, and
 * shaped as issue 8 and the spot-capacity notes ask (arm64 spot, per-zone stateful groups,
 * interruption queue, encrypted and logged control plane).
 */
class CloudFormationTemplatesTest {

  static final List<String> COST_TAGS = List.of("Project", "Environment", "CostCenter");

  private static Path dir;
  private static final Map<String, Map<String, Object>> templates = new LinkedHashMap<>();

  @BeforeAll
  static void parseEveryTemplate() throws IOException {
    dir = Repo.path("infra/cloudformation");
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        templates.put(file.getFileName().toString(), CfnYaml.load(file));
      }
    }
  }

  @Test
  void everyTemplateParsesWithCloudFormationShortTags() {
    assertThat(templates.keySet())
        .containsExactlyInAnyOrder(
            "main.yaml",
            "network.yaml",
            "cluster.yaml",
            "nodegroups.yaml",
            "addons.yaml",
            "autoscaling.yaml",
            "karpenter.yaml",
            "operations.yaml",
            "delivery.yaml");
    templates.forEach(
        (name, template) ->
            assertThat(map(template, "Resources")).as(name + " resources").isNotEmpty());
  }

  @Test
  void parentAndEveryNestedTemplateConformToTheAwsResourceSpecification() {
    TemplateValidator.Report report =
        new TemplateValidator(AwsServiceSpec.shared(), COST_TAGS)
            .validate(dir.resolve("main.yaml"));

    assertThat(report.problems()).as("problems in infra/cloudformation").isEmpty();
    assertThat(report.templates().stream().map(p -> p.getFileName().toString()))
        .as("templates reached from main.yaml")
        .containsExactlyInAnyOrderElementsOf(templates.keySet());
  }

  @Test
  void kubernetesVersionIsACurrentEksRelease() {
    Map<String, Object> version =
        map(map(templates.get("main.yaml"), "Parameters"), "KubernetesVersion");
    assertThat(version.get("Default")).isIn("1.33", "1.34");
    assertThat(list(version, "AllowedValues")).allSatisfy(v -> assertThat(v).isIn("1.33", "1.34"));
  }

  @Test
  void everyNodeGroupIsArm64GravitonAndSpotGroupsDiversifyInstanceTypes() {
    Map<String, Map<String, Object>> groups =
        resourcesOfType("nodegroups.yaml", "AWS::EKS::Nodegroup");
    assertThat(groups).hasSize(5);
    groups.forEach(
        (name, props) ->
            assertThat(props.get("AmiType")).as(name).isEqualTo("AL2023_ARM_64_STANDARD"));

    Map<String, Object> main = map(templates.get("main.yaml"), "Parameters");
    List<String> spotTypes =
        List.of(String.valueOf(map(main, "SpotInstanceTypes").get("Default")).split(","));
    assertThat(spotTypes).contains("t4g.large").hasSizeGreaterThanOrEqualTo(4);
    // Graviton families carry a "g" after the generation digit: t4g, m6g, m7gd, m8g.
    assertThat(spotTypes)
        .allMatch(t -> t.matches("[a-z]+\\d+g[a-z]*\\.[a-z0-9]+"), "arm64 Graviton");
    assertThat(String.valueOf(map(main, "KafkaControllerInstanceType").get("Default")))
        .matches("[a-z]+\\d+g[a-z]*\\.[a-z0-9]+");

    Map<String, Object> stateless = groups.get("StatelessSpotNodeGroup");
    assertThat(stateless.get("CapacityType")).isEqualTo("SPOT");
    assertThat(stateless.get("InstanceTypes")).isEqualTo(Map.of("Ref", "SpotInstanceTypes"));
  }

  @Test
  void statefulGroupsAreOnePerZoneAndTaintedAwayFromStatelessWorkloads() {
    Map<String, Map<String, Object>> groups =
        resourcesOfType("nodegroups.yaml", "AWS::EKS::Nodegroup");
    List<Object> statefulSubnets = new ArrayList<>();
    for (String name : List.of("StatefulNodeGroupA", "StatefulNodeGroupB", "StatefulNodeGroupC")) {
      Map<String, Object> group = groups.get(name);
      assertThat(list(group, "Subnets")).as(name + " subnets").hasSize(1);
      statefulSubnets.add(list(group, "Subnets").getFirst());
      assertThat(map(group, "Labels")).as(name).containsEntry("lag-scaler.io/workload", "stateful");
      assertThat(list(group, "Taints"))
          .as(name)
          .containsExactly(
              Map.of(
                  "Key", "lag-scaler.io/workload", "Value", "stateful", "Effect", "NO_SCHEDULE"));
    }
    assertThat(statefulSubnets)
        .containsExactlyInAnyOrder(
            Map.of("Ref", "PrivateSubnetA"),
            Map.of("Ref", "PrivateSubnetB"),
            Map.of("Ref", "PrivateSubnetC"));

    Map<String, Object> stateless = groups.get("StatelessSpotNodeGroup");
    assertThat(list(stateless, "Subnets")).hasSize(3);
    assertThat(map(stateless, "Labels")).containsEntry("lag-scaler.io/workload", "stateless");
    // The soft spot taint lets system pods land there; only hard taints would starve them.
    assertThat(list(stateless, "Taints"))
        .extracting(t -> (Object) ((Map<?, ?>) t).get("Effect"))
        .containsOnly("PREFER_NO_SCHEDULE");
  }

  @Test
  void kafkaControllerGroupIsOnDemandAndCreatedOnlyWhenAsked() {
    Map<String, Object> template = templates.get("nodegroups.yaml");
    Map<String, Object> resource = map(map(template, "Resources"), "KafkaControllerNodeGroup");
    assertThat(resource.get("Condition")).isEqualTo("CreateKafkaControllerGroup");
    assertThat(map(template, "Conditions").get("CreateKafkaControllerGroup"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "KafkaControllerOnDemand"), "true")));
    Map<String, Object> props = map(resource, "Properties");
    assertThat(props.get("CapacityType")).isEqualTo("ON_DEMAND");
    assertThat(list(props, "Taints").toString()).contains("kafka-controller", "NO_SCHEDULE");
  }

  @Test
  void clusterEncryptsSecretsWithKmsLogsTheControlPlaneAndTrustsItsOidcIssuer() {
    Map<String, Object> cluster =
        resourcesOfType("cluster.yaml", "AWS::EKS::Cluster").get("Cluster");
    assertThat(list(cluster, "EncryptionConfig").toString()).contains("secrets", "SecretsKey");
    assertThat(map(cluster, "Logging").toString()).contains("api", "audit", "authenticator");
    Map<String, Object> vpc = map(cluster, "ResourcesVpcConfig");
    assertThat(vpc.get("EndpointPublicAccess")).isEqualTo(Map.of("Ref", "EndpointPublicAccess"));
    assertThat(vpc.get("EndpointPrivateAccess")).isEqualTo(Map.of("Ref", "EndpointPrivateAccess"));
    assertThat(resourcesOfType("cluster.yaml", "AWS::KMS::Key").values())
        .singleElement()
        .satisfies(key -> assertThat(key.get("EnableKeyRotation")).isEqualTo(true));
    assertThat(resourcesOfType("cluster.yaml", "AWS::IAM::OIDCProvider").values())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.get("Url"))
                    .isEqualTo(Map.of("Fn::GetAtt", List.of("Cluster", "OpenIdConnectIssuerUrl"))));
  }

  @Test
  void addOnsAreVpcCniCoreDnsKubeProxyAndEbsCsiWithItsOwnRole() {
    Map<String, Map<String, Object>> addons = new LinkedHashMap<>();
    addons.putAll(resourcesOfType("cluster.yaml", "AWS::EKS::Addon"));
    addons.putAll(resourcesOfType("addons.yaml", "AWS::EKS::Addon"));
    assertThat(addons.values().stream().map(a -> a.get("AddonName")))
        .containsExactlyInAnyOrder("vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver");
    // helm/platform's NetworkPolicies are only enforced with the VPC CNI's policy agent on.
    assertThat(addons.get("VpcCniAddon").get("ConfigurationValues"))
        .isEqualTo("{\"enableNetworkPolicy\":\"true\"}");
    Map<String, Object> ebs = addons.get("EbsCsiDriverAddon");
    assertThat(ebs.get("ServiceAccountRoleArn"))
        .isEqualTo(Map.of("Fn::GetAtt", List.of("EbsCsiDriverRole", "Arn")));
    assertThat(
            String.valueOf(
                resourcesOfType("addons.yaml", "AWS::IAM::Role")
                    .get("EbsCsiDriverRole")
                    .get("AssumeRolePolicyDocument")))
        .contains(
            "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            "sts:AssumeRoleWithWebIdentity");
  }

  @Test
  void interruptionQueueReceivesSpotInterruptionAndRebalanceNotices() {
    Map<String, Map<String, Object>> rules =
        resourcesOfType("autoscaling.yaml", "AWS::Events::Rule");
    List<Object> detailTypes = new ArrayList<>();
    rules.forEach(
        (name, rule) -> {
          detailTypes.addAll(list(map(rule, "EventPattern"), "detail-type"));
          assertThat(list(rule, "Targets"))
              .as(name + " targets")
              .singleElement()
              .satisfies(
                  t ->
                      assertThat(((Map<?, ?>) t).get("Arn"))
                          .isEqualTo(Map.of("Fn::GetAtt", List.of("InterruptionQueue", "Arn"))));
        });
    assertThat(detailTypes)
        .contains(
            "EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation");
    Map<String, Map<String, Object>> roles = resourcesOfType("autoscaling.yaml", "AWS::IAM::Role");
    assertThat(roles).containsOnlyKeys("ClusterAutoscalerRole", "NodeTerminationHandlerRole");
    assertThat(String.valueOf(roles.get("NodeTerminationHandlerRole").get("Policies")))
        .contains("sqs:ReceiveMessage", "sqs:DeleteMessage");
    assertThat(String.valueOf(roles.get("ClusterAutoscalerRole").get("Policies")))
        .contains("autoscaling:SetDesiredCapacity", "eks:DescribeNodegroup");
  }

  @Test
  void vpcFlowLogsGoToALogGroupKeptByEnvironment() {
    Map<String, Object> flowLog =
        resourcesOfType("network.yaml", "AWS::EC2::FlowLog").get("VpcFlowLog");
    assertThat(flowLog)
        .containsEntry("ResourceId", Map.of("Ref", "Vpc"))
        .containsEntry("TrafficType", "ALL")
        .containsEntry("LogDestinationType", "cloud-watch-logs");
    assertThat(resourcesOfType("network.yaml", "AWS::Logs::LogGroup").get("FlowLogGroup"))
        .containsEntry("RetentionInDays", Map.of("Ref", "FlowLogRetentionDays"));
    Map<String, Object> retention =
        map(map(templates.get("main.yaml"), "Mappings"), "RetentionByEnvironment");
    assertThat(retention).containsOnlyKeys("dev", "stage", "prod");
    // prod keeps the longest history of both kinds of logs.
    for (String kind : List.of("ContainerLogDays", "FlowLogDays")) {
      int dev = (Integer) map(retention, "dev").get(kind);
      int prod = (Integer) map(retention, "prod").get(kind);
      assertThat(prod).as(kind).isGreaterThan(dev);
    }
  }

  @Test
  void karpenterStackExistsOnlyWhenChosenAndReadsTheExistingInterruptionQueue() {
    Map<String, Object> main = templates.get("main.yaml");
    Map<String, Object> stack = map(map(main, "Resources"), "KarpenterStack");
    assertThat(stack.get("Condition")).isEqualTo("UseKarpenter");
    assertThat(map(main, "Conditions").get("UseKarpenter"))
        .isEqualTo(Map.of("Fn::Equals", List.of(Map.of("Ref", "NodeAutoscaler"), "karpenter")));
    assertThat(list(map(map(main, "Parameters"), "NodeAutoscaler"), "AllowedValues"))
        .containsExactly("cluster-autoscaler", "karpenter");
    assertThat(map(map(stack, "Properties"), "Parameters").get("InterruptionQueueArn"))
        .isEqualTo(
            Map.of("Fn::GetAtt", List.of("AutoscalingStack", "Outputs.InterruptionQueueArn")));
    String policies =
        String.valueOf(
            resourcesOfType("karpenter.yaml", "AWS::IAM::Role")
                .get("KarpenterControllerRole")
                .get("Policies"));
    assertThat(policies)
        .contains("sqs:ReceiveMessage", "ec2:CreateFleet", "iam:PassRole", "ec2:TerminateInstances")
        .contains("aws:ResourceTag/eks:eks-cluster-name");
    // The node subnets carry the tag Karpenter's EC2NodeClass selects them by.
    for (String subnet : List.of("PrivateSubnetA", "PrivateSubnetB", "PrivateSubnetC")) {
      assertThat(
              String.valueOf(
                  resourcesOfType("network.yaml", "AWS::EC2::Subnet").get(subnet).get("Tags")))
          .contains("karpenter.sh/discovery");
    }
  }

  @Test
  void operationsRolesAreScopedToTheProjectsSecretsLogGroupAndBucket() {
    Map<String, Map<String, Object>> roles = resourcesOfType("operations.yaml", "AWS::IAM::Role");
    assertThat(roles).containsOnlyKeys("ExternalSecretsRole", "FluentBitRole", "VeleroRole");
    assertThat(String.valueOf(roles.get("ExternalSecretsRole").get("Policies")))
        .contains("secretsmanager:GetSecretValue", "secret:${ClusterName}/*")
        .doesNotContain("secretsmanager:PutSecretValue");
    assertThat(String.valueOf(roles.get("FluentBitRole").get("Policies")))
        .contains("logs:PutLogEvents", "ContainerLogGroup")
        .doesNotContain("logs:CreateLogGroup");
    assertThat(String.valueOf(roles.get("VeleroRole").get("Policies")))
        .contains("ec2:CreateSnapshot", "s3:PutObject", "BackupBucket");
    for (Map.Entry<String, Map<String, Object>> role : roles.entrySet()) {
      assertThat(String.valueOf(role.getValue().get("AssumeRolePolicyDocument")))
          .as(role.getKey())
          .contains("sts:AssumeRoleWithWebIdentity", "system:serviceaccount:");
    }
    assertThat(resourcesOfType("operations.yaml", "AWS::SecretsManager::Secret").values())
        .extracting(secret -> String.valueOf(((Map<?, ?>) secret).get("Name")))
        .allSatisfy(name -> assertThat(name).startsWith("{Fn::Sub=${ClusterName}/"))
        .anySatisfy(name -> assertThat(name).contains("/redis"))
        .anySatisfy(name -> assertThat(name).contains("/neo4j"))
        .anySatisfy(name -> assertThat(name).contains("/kafka/"));
    Map<String, Object> bucket =
        resourcesOfType("operations.yaml", "AWS::S3::Bucket").get("BackupBucket");
    assertThat(String.valueOf(bucket.get("BucketEncryption"))).contains("AES256");
    assertThat(String.valueOf(bucket.get("PublicAccessBlockConfiguration")))
        .doesNotContain("false");
  }

  @Test
  void natGatewayCountFollowsTheNatModeParameter() {
    Map<String, Object> resources = map(templates.get("network.yaml"), "Resources");
    assertThat(map(resources, "NatGatewayA")).doesNotContainKey("Condition");
    assertThat(map(resources, "NatGatewayB").get("Condition")).isEqualTo("NatPerAz");
    assertThat(map(resources, "NatGatewayC").get("Condition")).isEqualTo("NatPerAz");
    assertThat(map(map(resources, "PrivateDefaultRouteB"), "Properties").get("NatGatewayId"))
        .isEqualTo(
            Map.of(
                "Fn::If",
                List.of("NatPerAz", Map.of("Ref", "NatGatewayB"), Map.of("Ref", "NatGatewayA"))));
    assertThat(resourcesOfType("network.yaml", "AWS::EC2::Subnet")).hasSize(6);
  }

  @Test
  void parentOutputsWhatTheHelmValuesAndThePipelineRead() {
    assertThat(map(templates.get("main.yaml"), "Outputs"))
        .containsKeys(
            "ClusterName",
            "Region",
            "VpcId",
            "ClusterAutoscalerRoleArn",
            "NodeTerminationHandlerRoleArn",
            "InterruptionQueueUrl",
            "EbsCsiDriverRoleArn",
            "LoadBalancerControllerRoleArn",
            "GitHubDeployRoleArn",
            "EcrRegistry");
  }

  // ---- helpers over the parsed YAML ----

  private static Map<String, Map<String, Object>> resourcesOfType(String template, String type) {
    Map<String, Map<String, Object>> found = new LinkedHashMap<>();
    map(templates.get(template), "Resources")
        .forEach(
            (name, body) -> {
              Map<String, Object> resource = cast(body);
              if (type.equals(resource.get("Type"))) {
                found.put(name, map(resource, "Properties"));
              }
            });
    return found;
  }

  static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return cast(value);
  }

  static List<Object> list(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertThat(value).as(key).isInstanceOf(List.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) value;
    return list;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object value) {
    return (Map<String, Object>) value;
  }
}
