package io.lagscaler.loadtest.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate-all}: every shipped scenario under lag-scaler and keda. */
@Command(
    name = "simulate-all",
    mixinStandardHelpOptions = true,
    description = "Run every scenario under lag-scaler and keda; print JSON lines or a table.")
public final class SimulateAllCommand implements Callable<Integer> {

  static final String HEADING = "## Decision engine vs KEDA + HPA (simulator)";

  @Option(
      names = "--scenarios",
      defaultValue = "load-test/scenarios",
      description = "directory of scenario YAML files (default: ${DEFAULT-VALUE})")
  Path scenarios;

  @Option(names = "--markdown", description = "print the comparison table instead of JSON lines")
  boolean markdown;

  @Option(
      names = "--write",
      description =
          "also replace the '" + HEADING + "' section of this file (e.g. docs/benchmarks.md)")
  Path write;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Benchmark.Pair> pairs;
    try {
      pairs = Benchmark.runAll(scenarios);
    } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
      spec.commandLine().getErr().println("simulate-all: " + e.getMessage());
      return 2;
    }
    PrintWriter out = spec.commandLine().getOut();
    if (markdown) {
      out.print(Benchmark.markdown(pairs));
    } else {
      ObjectMapper json = new ObjectMapper();
      for (Benchmark.Pair p : pairs) {
        out.println(json.writeValueAsString(p.lagScaler()));
        out.println(json.writeValueAsString(p.keda()));
      }
    }
    out.flush();
    if (write != null) {
      writeSection(write, Benchmark.markdown(pairs), pairs);
    }
    return 0;
  }

  /** Replaces the generated table between its markers, leaving the hand-written notes alone. */
  static void writeSection(Path file, String table, List<Benchmark.Pair> pairs) throws IOException {
    String begin = "<!-- simulate-all: generated table, do not edit by hand -->";
    String end = "<!-- end of generated table -->";
    String block = begin + "\n" + table + end;
    String doc = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    if (b >= 0 && e > b) {
      doc = doc.substring(0, b) + block + doc.substring(e + end.length());
    } else if (doc.contains(HEADING)) {
      int h = doc.indexOf(HEADING) + HEADING.length();
      doc = doc.substring(0, h) + "\n\n" + block + "\n" + doc.substring(h);
    } else {
      doc = doc.stripTrailing() + "\n\n" + HEADING + "\n\n" + block + "\n";
    }
    Files.writeString(file, doc);
  }
}
