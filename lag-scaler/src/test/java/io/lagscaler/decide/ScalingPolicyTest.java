package io.lagscaler.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ScalingPolicyTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    ScalingPolicy d = ScalingPolicy.DEFAULTS;
    assertThat(d.mode()).isEqualTo(ScalingPolicy.Mode.RATE);
    assertThat(d.targetLag()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.targetUtilization()).isEqualTo(0.9);
    assertThat(d.tolerance()).isEqualTo(0.1);
    assertThat(d.scaleDown().stabilizationWindow()).isEqualTo(Duration.ofSeconds(120));
    assertThat(d.fallbackReplicas()).isEmpty();
  }

  @Test
  void everyContradictionIsReportedAtOnceNamingTheFields() {
    assertThatThrownBy(
            () ->
                ScalingPolicy.builder()
                    .minReplicas(5)
                    .maxReplicas(3)
                    .targetUtilization(1.5)
                    .fallbackReplicas(OptionalInt.of(0))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxReplicas must be >= 1 and >= minReplicas (5), was 3")
        .hasMessageContaining("targetUtilization must be in (0, 1], was 1.5")
        .hasMessageContaining("fallbackReplicas must be in [max(1, minReplicas (5))");
  }

  @Test
  void minZeroWithoutScaleToZeroIsAContradiction() {
    assertThatThrownBy(() -> ScalingPolicy.builder().minReplicas(0).build())
        .hasMessageContaining("minReplicas 0 contradicts scaleToZero false");
  }
}
