package io.lagscaler.loadtest.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.loadtest.LoadTestMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code simulate-all --generate}: files that run again on their own, and the JSON document. */
class SimulateAllCommandTest {

  @TempDir Path dir;

  static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new LoadTestMain());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(new StringWriter()));
    assertThat(cli.execute(args)).as(String.join(" ", args)).isZero();
    return out.toString();
  }

  @Test
  void generatesWritesAndRunsScenariosThatRunAgainOnTheirOwn() throws Exception {
    Path out = dir.resolve("gen");
    JsonNode doc =
        new ObjectMapper()
            .readTree(
                run(
                    "simulate-all",
                    "--generate",
                    "3",
                    "--seed",
                    "5",
                    "--out",
                    out.toString(),
                    "--json"));
    List<Path> files = Benchmark.scenarios(out);
    assertThat(files).hasSize(3);
    assertThat(doc.get("scenarios")).hasSize(3);
    JsonNode first = doc.get("scenarios").get(0);
    assertThat(first.get("kedaGrid")).hasSize(Benchmark.KEDA_GRID.length);
    assertThat(doc.get("summary").get("scenarios").asInt()).isEqualTo(3);
    assertThat(doc.get("summary").has("keda-dominated")).isTrue();

    Path file = out.resolve(first.get("scenario").asText() + ".yaml");
    JsonNode again =
        new ObjectMapper()
            .readTree(
                run("simulate", "--scenario", file.toString(), "--policy", "lag-scaler").strip());
    assertThat(again).isEqualTo(first.get("lagScaler"));
  }

  @Test
  void theMarkdownEndsWithTheMissesPerTarget() {
    String md =
        run(
            "simulate-all",
            "--generate",
            "2",
            "--seed",
            "5",
            "--out",
            dir.resolve("md").toString(),
            "--markdown");
    assertThat(md)
        .contains("| gen-5-000-step |", "| gen-5-001-spike |")
        .contains("lag-scaler misses, of 2 scenarios:", "- keda-dominated: ", "- oversized: ");
  }

  @Test
  void writeReplacesOnlyItsOwnSection() throws Exception {
    Path doc = dir.resolve("b.md");
    Files.writeString(
        doc, "# Benchmarks\n\n" + SimulateAllCommand.GENERATED_HEADING + "\n\nnotes\n");
    String[] args = {
      "simulate-all",
      "--generate",
      "1",
      "--seed",
      "5",
      "--out",
      dir.resolve("w").toString(),
      "--write",
      doc.toString()
    };
    run(args);
    String first = Files.readString(doc);
    assertThat(first).contains("| gen-5-000-step |").endsWith("notes\n");
    run(args);
    assertThat(Files.readString(doc)).isEqualTo(first);
  }
}
