package io.lagscaler.loadtest.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate-all}: every shipped (or generated) scenario under lag-scaler and keda. */
@Command(
    name = "simulate-all",
    mixinStandardHelpOptions = true,
    description =
        "Run every scenario under lag-scaler and keda (and KEDA over a lagThreshold grid); print"
            + " JSON lines, a JSON document or a table.")
public final class SimulateAllCommand implements Callable<Integer> {

  static final String HEADING = "## Decision engine vs KEDA + HPA (simulator)";
  static final String GENERATED_HEADING = "## Generated scenarios (simulate-all --generate)";

  @Option(
      names = "--scenarios",
      defaultValue = "load-test/scenarios",
      description = "directory of scenario YAML files (default: ${DEFAULT-VALUE})")
  Path scenarios;

  @Option(
      names = "--generate",
      description = "draw this many scenarios instead of reading --scenarios")
  Integer generate;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "the seed of --generate (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(
      names = "--out",
      description =
          "where --generate writes its scenario files (default:"
              + " load-test/target/generated-scenarios/seed-<seed>)")
  Path out;

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "scenarios run at once (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--markdown", description = "print the comparison table instead of JSON lines")
  boolean markdown;

  @Option(
      names = "--json",
      description = "print one JSON document: every comparison, the KEDA grid and the misses")
  boolean json;

  @Option(
      names = "--write",
      description =
          "also replace the table under '"
              + HEADING
              + "' (or '"
              + GENERATED_HEADING
              + "' with --generate) in this file (e.g. docs/benchmarks.md)")
  Path write;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Benchmark.Pair> pairs;
    try {
      List<Scenario> list = generate != null ? generated() : load();
      pairs = Benchmark.runAll(list, threads);
    } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
      spec.commandLine().getErr().println("simulate-all: " + e.getMessage());
      return 2;
    }
    PrintWriter printer = spec.commandLine().getOut();
    ObjectMapper mapper = new ObjectMapper();
    if (markdown) {
      printer.print(Benchmark.markdown(pairs));
    } else if (json) {
      printer.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(document(pairs)));
    } else {
      for (Benchmark.Pair p : pairs) {
        printer.println(mapper.writeValueAsString(p.lagScaler()));
        printer.println(mapper.writeValueAsString(p.keda()));
      }
    }
    printer.flush();
    if (write != null) {
      if (generate != null) {
        writeSection(
            write,
            Benchmark.markdown(pairs),
            GENERATED_HEADING,
            "<!-- simulate-all --generate: generated table, do not edit by hand -->",
            "<!-- end of generated-scenarios table -->");
      } else {
        writeSection(
            write,
            Benchmark.markdown(pairs),
            HEADING,
            "<!-- simulate-all: generated table, do not edit by hand -->",
            "<!-- end of generated table -->");
      }
    }
    return 0;
  }

  private List<Scenario> load() throws IOException {
    List<Scenario> list = new ArrayList<>();
    for (Path f : Benchmark.scenarios(scenarios)) {
      list.add(Scenario.load(f));
    }
    return list;
  }

  /**
   * Draws the scenarios and writes each to its file; what runs is read back from that text, so
   * {@code simulate --scenario} on a file gives the same numbers.
   */
  private List<Scenario> generated() throws IOException {
    if (generate < 1) {
      throw new IllegalArgumentException("--generate must be >= 1, was " + generate);
    }
    Path dir =
        out != null ? out : Path.of("load-test", "target", "generated-scenarios", "seed-" + seed);
    Files.createDirectories(dir);
    List<Scenario> list = new ArrayList<>();
    for (ScenarioGenerator.Generated g : ScenarioGenerator.generate(generate, seed)) {
      String text = ScenarioYaml.write(g.scenario(), g.comments());
      Path file = dir.resolve(g.scenario().name() + ".yaml");
      Files.writeString(file, text);
      list.add(Scenario.parse(text, file.toString()));
    }
    spec.commandLine()
        .getErr()
        .println("simulate-all: wrote " + list.size() + " scenarios to " + dir);
    return list;
  }

  private static ObjectNode document(List<Benchmark.Pair> pairs) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode doc = mapper.createObjectNode();
    ArrayNode rows = doc.putArray("scenarios");
    for (Benchmark.Pair p : pairs) {
      ObjectNode row = rows.addObject();
      row.put("scenario", p.scenario().name());
      row.put("durationSeconds", p.scenario().durationSeconds());
      row.set("lagScaler", mapper.valueToTree(p.lagScaler()));
      row.set("keda", mapper.valueToTree(p.keda()));
      ArrayNode grid = row.putArray("kedaGrid");
      for (Benchmark.GridRun g : p.kedaGrid()) {
        ObjectNode cell = grid.addObject();
        cell.put("factor", g.factor());
        cell.put("lagThreshold", g.lagThreshold());
        cell.set("result", mapper.valueToTree(g.result()));
      }
      row.put("sloFloorSeconds", p.sloFloor());
      p.dominatedBy()
          .ifPresentOrElse(
              g -> row.put("dominatedByFactor", g.factor()),
              () -> row.putNull("dominatedByFactor"));
      ArrayNode missed = row.putArray("missed");
      p.missed().forEach(missed::add);
    }
    ObjectNode summary = doc.putObject("summary");
    summary.put("scenarios", pairs.size());
    for (String target : List.of("keda-dominated", "slo", "events", "oversized")) {
      ArrayNode names = summary.putArray(target);
      pairs.stream()
          .filter(p -> p.missed().stream().anyMatch(m -> m.startsWith(target)))
          .forEach(p -> names.add(p.scenario().name()));
    }
    ArrayNode unavoidable = summary.putArray("sloUnavoidable");
    pairs.stream()
        .filter(p -> !p.sloMet() && p.sloUnavoidable())
        .forEach(p -> unavoidable.add(p.scenario().name()));
    return doc;
  }

  /** Replaces the generated table between its markers, leaving the hand-written notes alone. */
  static void writeSection(Path file, String table, String heading, String begin, String end)
      throws IOException {
    String block = begin + "\n" + table + end;
    String doc = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n";
    int b = doc.indexOf(begin);
    int e = doc.indexOf(end);
    if (b >= 0 && e > b) {
      doc = doc.substring(0, b) + block + doc.substring(e + end.length());
    } else if (doc.contains(heading)) {
      int h = doc.indexOf(heading) + heading.length();
      doc = doc.substring(0, h) + "\n\n" + block + "\n" + doc.substring(h);
    } else {
      doc = doc.stripTrailing() + "\n\n" + heading + "\n\n" + block + "\n";
    }
    Files.writeString(file, doc);
  }
}
