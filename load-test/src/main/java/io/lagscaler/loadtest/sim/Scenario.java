package io.lagscaler.loadtest.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One workload for the simulator, read from YAML with exactly the fields: an unknown field
 * is an error that names it.
 *
 * @param rate piecewise-linear arrival rate points, sorted by time
 * @param replicaServiceRateChanges steps of the per-replica service rate (mu), sorted by time
 * @param partitionWeights relative arrival share per partition (hot keys); empty: an even spread
 * @param rebalance what a change of membership pauses: every partition, or only those that move
 * @param nodes the node pool pods wait for; empty: room for every pod at once
 * @param consumerNoise per-second Gaussian noise on each replica's service rate
 */
public record Scenario(
    String name,
    int partitions,
    double replicaServiceRate,
    int podStartSeconds,
    int rebalanceSeconds,
    int initialReplicas,
    int minReplicas,
    int maxReplicas,
    double targetLagSeconds,
    int durationSeconds,
    List<Point> rate,
    Optional<Noise> noise,
    List<Point> replicaServiceRateChanges,
    Keda keda,
    List<Double> partitionWeights,
    Rebalance rebalance,
    Optional<Nodes> nodes,
    Optional<Noise> consumerNoise) {

  /**
   * The group protocol's rebalance. EAGER (the classic protocol with the range assignor) revokes
   * every partition, so every consumer stops; COOPERATIVE (cooperative-sticky, or KIP-848) moves
   * only the partitions whose owner changes, and only those stop.
   */
  public enum Rebalance {
    EAGER,
    COOPERATIVE
  }

  /**
   * Nodes for the pods (spot nodes behind the cluster autoscaler): the pool starts with room for
   * the initial replicas plus {@code spareNodes} empty nodes; a pod beyond that room waits {@code
   * nodeStartSeconds} for a new node before its own {@code podStartSeconds} begin.
   */
  public record Nodes(int podsPerNode, int spareNodes, int nodeStartSeconds) {}

  /** A rate at a time, in seconds from the start. */
  public record Point(double at, double rate) {}

  /** Multiplicative Gaussian noise (on the arrival rate, or a replica's service rate), seeded. */
  public record Noise(double stddevFraction, long seed) {}

  /** The KEDA ScaledObject and Kafka trigger settings of the {@code keda} policy. */
  public record Keda(
      long lagThreshold, long activationLagThreshold, int pollingInterval, int cooldownPeriod) {}

  private static final Set<String> FIELDS =
      Set.of(
          "name",
          "partitions",
          "replicaServiceRate",
          "podStartSeconds",
          "rebalanceSeconds",
          "initialReplicas",
          "minReplicas",
          "maxReplicas",
          "targetLagSeconds",
          "durationSeconds",
          "rate",
          "noise",
          "replicaServiceRateChanges",
          "keda",
          "partitionWeights",
          "rebalance",
          "nodes",
          "consumerNoise");

  public Scenario {
    List<String> errors = new ArrayList<>();
    if (partitions < 1) {
      errors.add("partitions must be >= 1");
    }
    if (!(replicaServiceRate > 0)) {
      errors.add("replicaServiceRate must be > 0");
    }
    if (podStartSeconds < 0 || rebalanceSeconds < 0) {
      errors.add("podStartSeconds and rebalanceSeconds must be >= 0");
    }
    if (minReplicas < 0 || maxReplicas < Math.max(1, minReplicas)) {
      errors.add("need 0 <= minReplicas <= maxReplicas and maxReplicas >= 1");
    }
    if (initialReplicas < minReplicas || initialReplicas > maxReplicas) {
      errors.add("initialReplicas must be within minReplicas..maxReplicas");
    }
    if (!(targetLagSeconds > 0)) {
      errors.add("targetLagSeconds must be > 0");
    }
    if (durationSeconds < 1) {
      errors.add("durationSeconds must be >= 1");
    }
    if (rate.isEmpty()) {
      errors.add("rate needs at least one point");
    }
    for (Point p : rate) {
      if (!(p.rate() >= 0) || !(p.at() >= 0)) {
        errors.add("rate points need at >= 0 and rate >= 0, was " + p);
        break;
      }
    }
    for (Point p : replicaServiceRateChanges) {
      if (!(p.rate() >= 0) || !(p.at() >= 0)) {
        errors.add("replicaServiceRateChanges points need at >= 0 and rate >= 0, was " + p);
        break;
      }
    }
    if (!partitionWeights.isEmpty()) {
      if (partitionWeights.size() != partitions) {
        errors.add(
            "partitionWeights has "
                + partitionWeights.size()
                + " weights but partitions is "
                + partitions
                + " (one weight per partition)");
      }
      if (partitionWeights.stream().anyMatch(w -> !(w >= 0))
          || partitionWeights.stream().mapToDouble(Double::doubleValue).sum() <= 0) {
        errors.add("partitionWeights must be >= 0 with a positive sum");
      }
    }
    nodes.ifPresent(
        n -> {
          if (n.podsPerNode() < 1) {
            errors.add("nodes.podsPerNode must be >= 1");
          }
          if (n.spareNodes() < 0 || n.nodeStartSeconds() < 0) {
            errors.add("nodes.spareNodes and nodes.nodeStartSeconds must be >= 0");
          }
        });
    noise.ifPresent(n -> checkNoise("noise", n, errors));
    consumerNoise.ifPresent(n -> checkNoise("consumerNoise", n, errors));
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("scenario " + name + ": " + String.join("; ", errors));
    }
    rate = sorted(rate);
    replicaServiceRateChanges = sorted(replicaServiceRateChanges);
    partitionWeights = List.copyOf(partitionWeights);
  }

  private static void checkNoise(String field, Noise n, List<String> errors) {
    if (!(n.stddevFraction() >= 0)) {
      errors.add(field + ".stddevFraction must be >= 0");
    }
  }

  /** This scenario starting with {@code n} replicas. */
  public Scenario withInitialReplicas(int n) {
    return new Scenario(
        name,
        partitions,
        replicaServiceRate,
        podStartSeconds,
        rebalanceSeconds,
        n,
        minReplicas,
        maxReplicas,
        targetLagSeconds,
        durationSeconds,
        rate,
        noise,
        replicaServiceRateChanges,
        keda,
        partitionWeights,
        rebalance,
        nodes,
        consumerNoise);
  }

  /** Each partition's share of the arrivals; they sum to 1. */
  public double[] partitionShares() {
    double[] w = new double[partitions];
    double sum = 0;
    for (int i = 0; i < partitions; i++) {
      w[i] = partitionWeights.isEmpty() ? 1 : partitionWeights.get(i);
      sum += w[i];
    }
    for (int i = 0; i < partitions; i++) {
      w[i] /= sum;
    }
    return w;
  }

  private static List<Point> sorted(List<Point> points) {
    List<Point> out = new ArrayList<>(points);
    out.sort(Comparator.comparingDouble(Point::at)); // stable: equal times keep file order
    return List.copyOf(out);
  }

  /** The arrival rate at second {@code t}: linear between points, flat outside them. */
  public double rateAt(double t) {
    int j = -1;
    for (int i = 0; i < rate.size(); i++) {
      if (rate.get(i).at() <= t) {
        j = i;
      }
    }
    if (j < 0) {
      return rate.getFirst().rate();
    }
    if (j == rate.size() - 1) {
      return rate.get(j).rate();
    }
    Point a = rate.get(j);
    Point b = rate.get(j + 1);
    return a.rate() + (b.rate() - a.rate()) * (t - a.at()) / (b.at() - a.at());
  }

  /** The per-replica service rate at second {@code t}. */
  public double serviceRateAt(double t) {
    double mu = replicaServiceRate;
    for (Point p : replicaServiceRateChanges) {
      if (p.at() <= t) {
        mu = p.rate();
      }
    }
    return mu;
  }

  public static Scenario load(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /** Parses a scenario; every error names the field path and the source. */
  public static Scenario parse(String yaml, String source) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (!(root instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(source + ": a scenario must be a YAML mapping");
    }
    Fields f = new Fields(source, "", map, FIELDS);
    Optional<Noise> noise =
        f.optionalMap("noise", Set.of("stddevFraction", "seed"))
            .map(n -> new Noise(n.number("stddevFraction"), n.integer("seed")));
    Fields k =
        f.optionalMap(
                "keda",
                Set.of(
                    "lagThreshold", "activationLagThreshold", "pollingInterval", "cooldownPeriod"))
            .orElseThrow(() -> new IllegalArgumentException(source + ": keda: is required"));
    Keda keda =
        new Keda(
            k.integer("lagThreshold"),
            k.integerOr("activationLagThreshold", 0),
            (int) k.integerOr("pollingInterval", 30),
            (int) k.integerOr("cooldownPeriod", 300));
    if (keda.lagThreshold() < 1 || keda.pollingInterval() < 1 || keda.cooldownPeriod() < 0) {
      throw new IllegalArgumentException(
          source + ": keda.lagThreshold and keda.pollingInterval must be >= 1");
    }
    Optional<Noise> consumerNoise =
        f.optionalMap("consumerNoise", Set.of("stddevFraction", "seed"))
            .map(n -> new Noise(n.number("stddevFraction"), n.integer("seed")));
    Optional<Nodes> nodes =
        f.optionalMap("nodes", Set.of("podsPerNode", "spareNodes", "nodeStartSeconds"))
            .map(
                n ->
                    new Nodes(
                        (int) n.integer("podsPerNode"),
                        (int) n.integerOr("spareNodes", 0),
                        (int) n.integer("nodeStartSeconds")));
    Rebalance rebalance = Rebalance.EAGER;
    if (f.has("rebalance")) {
      String r = f.string("rebalance");
      rebalance =
          switch (r) {
            case "eager" -> Rebalance.EAGER;
            case "cooperative" -> Rebalance.COOPERATIVE;
            default ->
                throw new IllegalArgumentException(
                    source + ": rebalance must be eager or cooperative, was " + r);
          };
    }
    try {
      return new Scenario(
          f.string("name"),
          (int) f.integer("partitions"),
          f.number("replicaServiceRate"),
          (int) f.integer("podStartSeconds"),
          (int) f.integer("rebalanceSeconds"),
          (int) f.integer("initialReplicas"),
          (int) f.integer("minReplicas"),
          (int) f.integer("maxReplicas"),
          f.number("targetLagSeconds"),
          (int) f.integer("durationSeconds"),
          f.points("rate"),
          noise,
          f.has("replicaServiceRateChanges") ? f.points("replicaServiceRateChanges") : List.of(),
          keda,
          f.has("partitionWeights") ? f.numbers("partitionWeights") : List.of(),
          rebalance,
          nodes,
          consumerNoise);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** A YAML mapping read strictly: unknown keys and wrong types are errors naming the path. */
  static final class Fields {
    private final String source;
    private final String path;
    private final Map<?, ?> map;

    Fields(String source, String path, Map<?, ?> map, Set<String> allowed) {
      this.source = source;
      this.path = path;
      this.map = map;
      Set<String> unknown = new LinkedHashSet<>();
      for (Object key : map.keySet()) {
        if (!allowed.contains(String.valueOf(key))) {
          unknown.add(path + key);
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            source
                + ": unknown field "
                + String.join(", ", unknown)
                + " (allowed: "
                + allowed.stream().sorted().toList()
                + ")");
      }
    }

    boolean has(String key) {
      return map.containsKey(key);
    }

    Object raw(String key) {
      return map.get(key);
    }

    private Object required(String key) {
      Object v = map.get(key);
      if (v == null) {
        throw new IllegalArgumentException(source + ": " + path + key + " is required");
      }
      return v;
    }

    String string(String key) {
      return String.valueOf(required(key));
    }

    double number(String key) {
      if (required(key) instanceof Number n) {
        return n.doubleValue();
      }
      throw new IllegalArgumentException(source + ": " + path + key + " must be a number");
    }

    long integer(String key) {
      Object v = required(key);
      if (v instanceof Integer || v instanceof Long) {
        return ((Number) v).longValue();
      }
      throw new IllegalArgumentException(source + ": " + path + key + " must be an integer");
    }

    long integerOr(String key, long fallback) {
      return has(key) ? integer(key) : fallback;
    }

    Optional<Fields> optionalMap(String key, Set<String> allowed) {
      if (!has(key)) {
        return Optional.empty();
      }
      if (map.get(key) instanceof Map<?, ?> m) {
        return Optional.of(new Fields(source, path + key + ".", m, allowed));
      }
      throw new IllegalArgumentException(source + ": " + path + key + " must be a mapping");
    }

    List<Double> numbers(String key) {
      if (!(required(key) instanceof List<?> list)) {
        throw new IllegalArgumentException(source + ": " + path + key + " must be a list");
      }
      List<Double> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Number n)) {
          throw new IllegalArgumentException(
              source + ": " + path + key + "[" + i + "] must be a number");
        }
        out.add(n.doubleValue());
      }
      return out;
    }

    List<Point> points(String key) {
      if (!(required(key) instanceof List<?> list)) {
        throw new IllegalArgumentException(source + ": " + path + key + " must be a list");
      }
      List<Point> out = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> m)) {
          throw new IllegalArgumentException(
              source + ": " + path + key + "[" + i + "] must be {at, rate}");
        }
        Fields p = new Fields(source, path + key + "[" + i + "].", m, Set.of("at", "rate"));
        out.add(new Point(p.number("at"), p.number("rate")));
      }
      return out;
    }
  }
}
