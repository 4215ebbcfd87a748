package io.lagscaler.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.platform.cfn.CfnYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deployment docs keep up with the templates and the Makefile. */
class DocsTest {

  @Test
  void platformDocDescribesEveryParameterAndOutputOfTheParentStack() throws IOException {
    Map<String, Object> main = CfnYaml.load(Repo.path("infra/cloudformation/main.yaml"));
    String doc = Files.readString(Repo.path("docs/platform.md"));
    for (String section : new String[] {"Parameters", "Outputs"}) {
      @SuppressWarnings("unchecked")
      Map<String, Object> entries = (Map<String, Object>) main.get(section);
      assertThat(entries.keySet())
          .as(section + " of main.yaml missing from docs/platform.md")
          .allSatisfy(name -> assertThat(doc).contains("| `" + name + "` |"));
    }
  }

  @Test
  void deployDocGoesFromTheStackToTheLoadTestAndStatesTheHourlyCost() throws IOException {
    String doc = Files.readString(Repo.path("docs/deploy.md"));
    assertThat(doc)
        .contains("aws cloudformation package", "aws cloudformation deploy")
        .contains("make -C helm platform", "make -C helm app", "make -C helm load-test")
        .contains("aws cloudformation delete-stack")
        .contains("us-east-1", "EKS control plane", "NAT gateway", "t4g.large")
        .containsPattern("\\*\\*Default cluster, idle\\*\\* \\| \\| \\*\\*≈ 0\\.\\d+\\*\\*");
  }
}
