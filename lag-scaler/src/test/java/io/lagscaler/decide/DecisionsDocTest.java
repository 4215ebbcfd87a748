package io.lagscaler.decide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/decisions.md documents every reason and every policy field, under the same names. */
class DecisionsDocTest {

  private static String doc() throws IOException {
    return Files.readString(Path.of("..", "docs", "decisions.md"));
  }

  @Test
  void everyReasonHasARow() throws IOException {
    String doc = doc();
    for (Reason r : Reason.values()) {
      assertThat(doc).as(r.name()).contains("| `" + r.name() + "` |");
    }
  }

  @Test
  void everyPolicyFieldHasARow() throws IOException {
    String doc = doc();
    for (RecordComponent c : ScalingPolicy.class.getRecordComponents()) {
      assertThat(doc).as(c.getName()).contains("| `" + c.getName() + "` |");
    }
  }
}
