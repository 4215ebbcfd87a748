package io.lagscaler.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The GitHub Actions workflows: tests and lint on every push, images to ECR and deploys through
 * OIDC only, stage and prod behind environments (manual approval).
 */
class DeliveryWorkflowsTest {

  private static Map<String, Object> build;
  private static Map<String, Object> deliver;
  private static String deliverText;

  @BeforeAll
  static void read() throws IOException {
    Path dir = Repo.path(".github/workflows");
    build = load(dir.resolve("build.yml"));
    deliverText = Files.readString(dir.resolve("deliver.yml"));
    deliver = load(dir.resolve("deliver.yml"));
  }

  private static Map<String, Object> load(Path file) throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> map =
        (Map<String, Object>)
            new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    return map;
  }

  @Test
  void everyPushIsBuiltAndTestedThroughCiRunAndLinted() {
    // YAML 1.1 reads the key "on" as true.
    Map<String, Object> triggers = map(build, true);
    assertThat(triggers).containsKeys("push", "pull_request", "workflow_call");
    String steps = String.valueOf(map(map(build, "jobs"), "build-and-test").get("steps"));
    assertThat(steps).contains("java-version=25", "bash .ci/run", "setup-node");
    String lint = String.valueOf(map(map(build, "jobs"), "lint").get("steps"));
    assertThat(lint).contains("cfn-lint", "helm lint --strict");
    assertThat(map(deliver, true).toString()).contains("branches=[main]", "tags=[v*]");
    assertThat(map(map(deliver, "jobs"), "test").get("uses"))
        .isEqualTo("./.github/workflows/build.yml");
  }

  @Test
  void imagesAreMultiArchJibBuildsOfTheFourServicesAndTheLoadGeneratorPushedToEcr() {
    Map<String, Object> images = map(map(deliver, "jobs"), "images");
    assertThat(images.get("needs")).isEqualTo("test");
    assertThat(String.valueOf(map(images, "strategy")))
        .contains("[lag-scaler, order-intake, store-totals, purchase-graph, load-test]");
    assertThat(String.valueOf(images.get("steps")))
        .contains(
            "jib-maven-plugin", "linux/arm64,linux/amd64", "amazon-ecr-login", "ECR_REGISTRY");
  }

  @Test
  void awsAccessIsOidcOnlyWithARoleToAssume() {
    assertThat(deliverText)
        .doesNotContain("aws-access-key-id", "aws-secret-access-key", "AWS_SECRET");
    map(deliver, "jobs")
        .forEach(
            (name, job) -> {
              Map<String, Object> j = cast(job);
              if (String.valueOf(j.get("steps")).contains("configure-aws-credentials")) {
                assertThat(map(j, "permissions")).as(name).containsEntry("id-token", "write");
                assertThat(String.valueOf(j.get("steps"))).as(name).contains("role-to-assume");
              }
            });
  }

  @Test
  void devDeploysFromMainAndStageThenProdFromTagsBehindApprovals() {
    Map<String, Object> jobs = map(deliver, "jobs");
    Map<String, Object> dev = map(jobs, "deploy-dev");
    Map<String, Object> stage = map(jobs, "deploy-stage");
    Map<String, Object> prod = map(jobs, "deploy-prod");
    assertThat(dev)
        .containsEntry("environment", "dev")
        .containsEntry("if", "github.ref == 'refs/heads/main'");
    assertThat(stage).containsEntry("environment", "stage");
    assertThat(String.valueOf(stage.get("if"))).contains("refs/tags/v");
    assertThat(prod).containsEntry("environment", "prod");
    assertThat(prod.get("needs")).isEqualTo(List.of("images", "deploy-stage"));
    for (Map<String, Object> job : List.of(dev, stage, prod)) {
      assertThat(String.valueOf(job.get("steps")))
          .contains("make -C helm app ENV=" + job.get("environment"));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<?, ?> parent, Object key) {
    Object value = parent.get(key);
    assertThat(value).as(String.valueOf(key)).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object value) {
    return (Map<String, Object>) value;
  }
}
