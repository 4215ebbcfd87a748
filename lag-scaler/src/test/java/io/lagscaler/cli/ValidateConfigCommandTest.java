package io.lagscaler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateConfigCommandTest {

  @TempDir Path dir;

  private static CliRun run(String... args) {
    return CliRun.of(args);
  }

  @Test
  void aValidFileExitsZero() {
    CliRun run = run("validate-config", Path.of("..", "examples", "lag-scaler.yaml").toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("valid, 2 targets");
  }

  @Test
  void anInvalidFileExitsTwoAndListsEveryError() throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(
        file,
        """
        kafka: {bootstrapServers: k:9092}
        targets:
          - {name: a, namespace: shop, workload: a, consumerGroup: a, minReplicas: 1, maxReplicas: 0}
          - {name: b, namespace: shop, workload: b, consumerGroup: b, colour: red}
        """);
    CliRun run = run("validate-config", file.toString());
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("2 errors")
        .contains("targets[0].maxReplicas: 0 is below minReplicas 1")
        .contains("targets[1].colour: unknown field");
  }

  @Test
  void anEmptyFileAndAMissingFileExitTwo() throws Exception {
    Path empty = dir.resolve("empty.yaml");
    Files.writeString(empty, "");
    assertThat(run("validate-config", empty.toString()).exit()).isEqualTo(2);
    CliRun missing = run("validate-config", dir.resolve("nope.yaml").toString());
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("cannot read");
  }
}
