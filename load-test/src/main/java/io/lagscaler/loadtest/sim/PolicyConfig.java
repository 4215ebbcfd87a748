package io.lagscaler.loadtest.sim;

import io.lagscaler.decide.ScalingPolicy;
import io.lagscaler.decide.ScalingPolicy.RatePolicy;
import io.lagscaler.decide.ScalingPolicy.ScalingRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code --config}: overrides of {@link ScalingPolicy} fields in YAML, durations in seconds. An
 * unknown field is an error naming it.
 */
public final class PolicyConfig {

  private static final Set<String> FIELDS =
      Set.of(
          "mode",
          "lagPerReplica",
          "targetLagSeconds",
          "targetUtilization",
          "priorReplicaRate",
          "rateSmoothing",
          "arrivalSmoothing",
          "minReplicas",
          "maxReplicas",
          "scaleToZero",
          "activationLag",
          "idlePeriodSeconds",
          "evenDistribution",
          "tolerance",
          "standingLagShare",
          "scaleUp",
          "scaleDown",
          "settleTimeSeconds",
          "maxScaleEventsPerHour",
          "stepAheadSeconds",
          "expectedRebalanceSeconds",
          "reactionTimeSeconds",
          "maxSignalAgeSeconds",
          "fallbackReplicas",
          "failuresBeforeFallback");
  private static final Set<String> RULES =
      Set.of("stabilizationWindowSeconds", "selectPolicy", "policies");

  private PolicyConfig() {}

  public static ScalingPolicy apply(Path file, ScalingPolicy.Builder base) throws IOException {
    return apply(Files.readString(file), file.toString(), base);
  }

  public static ScalingPolicy apply(String yaml, String source, ScalingPolicy.Builder b) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (root == null) {
      return b.build();
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(source + ": a policy must be a YAML mapping");
    }
    Scenario.Fields f = new Scenario.Fields(source, "", map, FIELDS);
    if (f.has("mode")) {
      b.mode(ScalingPolicy.Mode.valueOf(f.string("mode").toUpperCase(Locale.ROOT)));
    }
    if (f.has("lagPerReplica")) {
      b.lagPerReplica(f.integer("lagPerReplica"));
    }
    if (f.has("targetLagSeconds")) {
      b.targetLag(seconds(f.number("targetLagSeconds")));
    }
    if (f.has("targetUtilization")) {
      b.targetUtilization(f.number("targetUtilization"));
    }
    if (f.has("priorReplicaRate")) {
      b.priorReplicaRate(f.number("priorReplicaRate"));
    }
    if (f.has("rateSmoothing")) {
      b.rateSmoothing(f.number("rateSmoothing"));
    }
    if (f.has("arrivalSmoothing")) {
      b.arrivalSmoothing(f.number("arrivalSmoothing"));
    }
    if (f.has("minReplicas")) {
      b.minReplicas((int) f.integer("minReplicas"));
    }
    if (f.has("maxReplicas")) {
      b.maxReplicas((int) f.integer("maxReplicas"));
    }
    if (f.has("scaleToZero")) {
      b.scaleToZero(bool(map.get("scaleToZero"), source, "scaleToZero"));
    }
    if (f.has("activationLag")) {
      b.activationLag(f.integer("activationLag"));
    }
    if (f.has("idlePeriodSeconds")) {
      b.idlePeriod(seconds(f.number("idlePeriodSeconds")));
    }
    if (f.has("evenDistribution")) {
      b.evenDistribution(bool(map.get("evenDistribution"), source, "evenDistribution"));
    }
    if (f.has("tolerance")) {
      b.tolerance(f.number("tolerance"));
    }
    if (f.has("standingLagShare")) {
      b.standingLagShare(f.number("standingLagShare"));
    }
    if (f.has("scaleUp")) {
      b.scaleUp(rules(f, "scaleUp", source));
    }
    if (f.has("scaleDown")) {
      b.scaleDown(rules(f, "scaleDown", source));
    }
    if (f.has("settleTimeSeconds")) {
      b.settleTime(seconds(f.number("settleTimeSeconds")));
    }
    if (f.has("maxScaleEventsPerHour")) {
      b.maxScaleEventsPerHour((int) f.integer("maxScaleEventsPerHour"));
    }
    if (f.has("stepAheadSeconds")) {
      b.stepAhead(seconds(f.number("stepAheadSeconds")));
    }
    if (f.has("expectedRebalanceSeconds")) {
      b.expectedRebalance(seconds(f.number("expectedRebalanceSeconds")));
    }
    if (f.has("reactionTimeSeconds")) {
      b.reactionTime(seconds(f.number("reactionTimeSeconds")));
    }
    if (f.has("maxSignalAgeSeconds")) {
      b.maxSignalAge(seconds(f.number("maxSignalAgeSeconds")));
    }
    if (f.has("fallbackReplicas")) {
      b.fallbackReplicas(OptionalInt.of((int) f.integer("fallbackReplicas")));
    }
    if (f.has("failuresBeforeFallback")) {
      b.failuresBeforeFallback((int) f.integer("failuresBeforeFallback"));
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static ScalingRules rules(Scenario.Fields parent, String key, String source) {
    Scenario.Fields r = parent.optionalMap(key, RULES).orElseThrow();
    List<RatePolicy> policies = new ArrayList<>();
    if (r.has("policies")) {
      if (!(r.raw("policies") instanceof List<?> list)) {
        throw new IllegalArgumentException(source + ": " + key + ".policies must be a list");
      }
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> m)) {
          throw new IllegalArgumentException(
              source + ": " + key + ".policies[" + i + "] must be a mapping");
        }
        Scenario.Fields p =
            new Scenario.Fields(
                source, key + ".policies[" + i + "].", m, Set.of("type", "value", "periodSeconds"));
        policies.add(
            new RatePolicy(
                ScalingPolicy.PolicyType.valueOf(p.string("type").toUpperCase(Locale.ROOT)),
                (int) p.integer("value"),
                seconds(p.number("periodSeconds"))));
      }
    }
    return new ScalingRules(
        seconds(r.has("stabilizationWindowSeconds") ? r.number("stabilizationWindowSeconds") : 0),
        r.has("selectPolicy")
            ? ScalingPolicy.Select.valueOf(r.string("selectPolicy").toUpperCase(Locale.ROOT))
            : ScalingPolicy.Select.MAX,
        policies);
  }

  private static boolean bool(Object v, String source, String key) {
    if (v instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException(source + ": " + key + " must be true or false");
  }

  private static Duration seconds(double s) {
    return Duration.ofMillis(Math.round(s * 1000));
  }
}
