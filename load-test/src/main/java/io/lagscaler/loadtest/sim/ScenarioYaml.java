package io.lagscaler.loadtest.sim;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Writes a scenario as the YAML {@link Scenario#parse} reads, so it runs again on its own. */
final class ScenarioYaml {

  private ScenarioYaml() {}

  /** The scenario's file text, after {@code comments} as {@code #} lines. */
  static String write(Scenario s, List<String> comments) {
    StringBuilder y = new StringBuilder();
    for (String c : comments) {
      y.append("# ").append(c).append('\n');
    }
    y.append("name: ").append(s.name()).append('\n');
    y.append("partitions: ").append(s.partitions()).append('\n');
    y.append("replicaServiceRate: ").append(number(s.replicaServiceRate())).append('\n');
    y.append("podStartSeconds: ").append(s.podStartSeconds()).append('\n');
    y.append("rebalanceSeconds: ").append(s.rebalanceSeconds()).append('\n');
    y.append("rebalance: ").append(s.rebalance().name().toLowerCase(Locale.ROOT)).append('\n');
    y.append("initialReplicas: ").append(s.initialReplicas()).append('\n');
    y.append("minReplicas: ").append(s.minReplicas()).append('\n');
    y.append("maxReplicas: ").append(s.maxReplicas()).append('\n');
    y.append("targetLagSeconds: ").append(number(s.targetLagSeconds())).append('\n');
    y.append("durationSeconds: ").append(s.durationSeconds()).append('\n');
    points(y, "rate", s.rate());
    s.noise().ifPresent(n -> noise(y, "noise", n));
    if (!s.replicaServiceRateChanges().isEmpty()) {
      points(y, "replicaServiceRateChanges", s.replicaServiceRateChanges());
    }
    if (!s.partitionWeights().isEmpty()) {
      y.append("partitionWeights: [")
          .append(
              s.partitionWeights().stream()
                  .map(ScenarioYaml::number)
                  .collect(Collectors.joining(", ")))
          .append("]\n");
    }
    s.nodes()
        .ifPresent(
            n ->
                y.append(
                    String.format(
                        Locale.ROOT,
                        "nodes: {podsPerNode: %d, spareNodes: %d, nodeStartSeconds: %d}%n",
                        n.podsPerNode(),
                        n.spareNodes(),
                        n.nodeStartSeconds())));
    s.consumerNoise().ifPresent(n -> noise(y, "consumerNoise", n));
    Scenario.Keda k = s.keda();
    y.append(
        String.format(
            Locale.ROOT,
            "keda: {lagThreshold: %d, activationLagThreshold: %d, pollingInterval: %d,"
                + " cooldownPeriod: %d}%n",
            k.lagThreshold(),
            k.activationLagThreshold(),
            k.pollingInterval(),
            k.cooldownPeriod()));
    return y.toString();
  }

  private static void points(StringBuilder y, String key, List<Scenario.Point> points) {
    y.append(key).append(":\n");
    for (Scenario.Point p : points) {
      y.append("  - {at: ")
          .append(number(p.at()))
          .append(", rate: ")
          .append(number(p.rate()))
          .append("}\n");
    }
  }

  private static void noise(StringBuilder y, String key, Scenario.Noise n) {
    y.append(key)
        .append(": {stddevFraction: ")
        .append(number(n.stddevFraction()))
        .append(", seed: ")
        .append(n.seed())
        .append("}\n");
  }

  /** Whole numbers without a fraction; others with up to 3 decimals (what the generator draws). */
  static String number(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "");
  }
}
