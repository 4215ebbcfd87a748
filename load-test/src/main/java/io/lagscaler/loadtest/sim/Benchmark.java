package io.lagscaler.loadtest.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** Every shipped scenario under both policies, and the targets lag-scaler must meet on each. */
public final class Benchmark {

  private Benchmark() {}

  /** One scenario's pair of runs. */
  public record Pair(Scenario scenario, SimResult lagScaler, SimResult keda) {

    /** lag-scaler's SLO violation at most half of keda's, or at most 5 s. */
    public boolean sloMet() {
      return lagScaler.sloViolationSeconds() <= 5
          || lagScaler.sloViolationSeconds() * 2 <= keda.sloViolationSeconds();
    }

    public boolean replicasMet() {
      return lagScaler.replicaSeconds() <= keda.replicaSeconds();
    }

    public boolean eventsMet() {
      return lagScaler.scalingEvents() <= keda.scalingEvents();
    }

    /** The targets missed, empty when all are met. */
    public List<String> missed() {
      List<String> out = new ArrayList<>();
      if (!sloMet()) {
        out.add("sloViolationSeconds");
      }
      if (!replicasMet()) {
        out.add("replicaSeconds");
      }
      if (!eventsMet()) {
        out.add("scalingEvents");
      }
      return out;
    }
  }

  public static List<Path> scenarios(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  public static Pair run(Path file) throws IOException {
    Scenario s = Scenario.load(file);
    SimResult ls =
        Simulation.run(s, SimulateCommand.autoscaler(s, "lag-scaler", null), false).result();
    SimResult keda = Simulation.run(s, new KedaAutoscaler(s), false).result();
    return new Pair(s, ls, keda);
  }

  public static List<Pair> runAll(Path dir) throws IOException {
    List<Pair> out = new ArrayList<>();
    for (Path f : scenarios(dir)) {
      out.add(run(f));
    }
    return out;
  }

  /** The comparison table, with totals and the targets met or missed per scenario. */
  public static String markdown(List<Pair> pairs) {
    StringBuilder md = new StringBuilder();
    md.append(
        "| scenario | SLO violation s (lag-scaler / keda) | replica-seconds (lag-scaler / keda) |"
            + " scaling events (lag-scaler / keda) | max time lag s (lag-scaler / keda) |"
            + " rebalance s (lag-scaler / keda) | final lag (lag-scaler / keda) |"
            + " oversized s (lag-scaler / keda) | targets |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    long[] totals = new long[12];
    for (Pair p : pairs) {
      SimResult a = p.lagScaler();
      SimResult b = p.keda();
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %d / %d | %,d / %,d | %d / %d | %.1f / %.1f | %d / %d | %,d / %,d | %d / %d |"
                  + " %s |\n",
              p.scenario().name(),
              a.sloViolationSeconds(),
              b.sloViolationSeconds(),
              a.replicaSeconds(),
              b.replicaSeconds(),
              a.scalingEvents(),
              b.scalingEvents(),
              a.maxLagSeconds(),
              b.maxLagSeconds(),
              a.rebalanceSeconds(),
              b.rebalanceSeconds(),
              a.finalLag(),
              b.finalLag(),
              a.oversizedSeconds(),
              b.oversizedSeconds(),
              p.missed().isEmpty() ? "met" : "missed: " + String.join(", ", p.missed())));
      totals[0] += a.sloViolationSeconds();
      totals[1] += b.sloViolationSeconds();
      totals[2] += a.replicaSeconds();
      totals[3] += b.replicaSeconds();
      totals[4] += a.scalingEvents();
      totals[5] += b.scalingEvents();
      totals[6] += a.rebalanceSeconds();
      totals[7] += b.rebalanceSeconds();
      totals[8] += a.finalLag();
      totals[9] += b.finalLag();
      totals[10] += a.oversizedSeconds();
      totals[11] += b.oversizedSeconds();
    }
    long met = pairs.stream().filter(p -> p.missed().isEmpty()).count();
    md.append(
        String.format(
            Locale.ROOT,
            "| **total** | **%d / %d** | **%,d / %,d** | **%d / %d** | | **%d / %d** | **%,d / %,d** |"
                + " **%,d / %,d** | **%d of %d met** |\n",
            totals[0],
            totals[1],
            totals[2],
            totals[3],
            totals[4],
            totals[5],
            totals[6],
            totals[7],
            totals[8],
            totals[9],
            totals[10],
            totals[11],
            met,
            pairs.size()));
    return md.toString();
  }
}
