package io.lagscaler.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnvironmentsTest {

  @Test
  void theBundledFileHasTheThreeEnvironmentsOfTheDeployDoc() {
    Environments environments = Environments.load(Optional.empty());

    for (String name : new String[] {"dev", "stage", "prod"}) {
      Environment env = environments.get(name);
      assertThat(env.context()).isEqualTo("lag-scaler-" + name);
      assertThat(env.namespace()).isEqualTo("application");
      assertThat(env.releases()).containsExactly("lag-scaler", "retail-services");
      assertThat(env.lagScalerService()).isEqualTo("lag-scaler");
    }
  }

  @Test
  void everyMissingFieldIsNamedWithItsPathAtOnce() {
    assertThatThrownBy(
            () ->
                Environments.parse(
                    """
                    environments:
                      dev:
                        namespace: application
                      qa: nonsense
                    """,
                    "envs.yaml"))
        .isInstanceOf(OpsException.class)
        .hasMessageContaining("envs.yaml: ")
        .hasMessageContaining("environments.dev.context: a non-empty string is required")
        .hasMessageContaining("environments.dev.releases: a non-empty list")
        .hasMessageContaining("environments.qa: must be a map");
  }

  @Test
  void aFileWithoutEnvironmentsIsRefused() {
    assertThatThrownBy(() -> Environments.parse("dev: {}", "envs.yaml"))
        .isInstanceOf(OpsException.class)
        .hasMessage("envs.yaml: environments: a map of environment names is required");
  }
}
