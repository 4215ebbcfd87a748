package io.lagscaler.decide;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The one-line explanation of a decision: what changed, the reason, the rule's numbers. */
final class Explanation {

  private Explanation() {}

  static Decision decision(
      Instant now, int current, Proposal p, Decision.Figures f, ScalingPolicy policy) {
    int replicas = p.replicas();
    String head =
        replicas > current
            ? "Scaled up from " + current + " to " + replicas
            : replicas < current
                ? "Scaled down from " + current + " to " + replicas
                : "Holding " + current;
    StringBuilder line = new StringBuilder(head).append(" (").append(p.reason().name()).append(')');
    List<String> parts = new ArrayList<>();
    if (!p.detail().isEmpty()) {
      parts.add(p.detail());
    }
    if (f.totalLag() >= 0) {
      parts.add("lag " + num(f.totalLag()));
    }
    double target = seconds(policy.targetLag());
    if (f.timeLagSeconds().isPresent()) {
      double t = f.timeLagSeconds().getAsDouble();
      parts.add(
          String.format(
              Locale.ROOT, "time lag %.0f s %s target %.0f s", t, t > target ? ">" : "<=", target));
    }
    if (f.arrivalRate().isPresent()) {
      parts.add("arrival " + num(f.arrivalRate().getAsDouble()) + " msg/s");
    }
    if (policy.mode() == ScalingPolicy.Mode.RATE) {
      parts.add(
          "per-replica "
              + num(f.perReplicaRate())
              + " msg/s"
              + (f.perReplicaRateMeasured() ? "" : " (prior)"));
    }
    if (!parts.isEmpty()) {
      line.append(": ").append(String.join(", ", parts));
    }
    return new Decision(now, current, replicas, p.reason(), line.toString(), f);
  }

  /** A whole number with thousands separators, the same in every explanation. */
  static String num(double v) {
    return String.format(Locale.ROOT, "%,d", Math.round(v));
  }

  static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }

  /** " (wanted n)": what a limit or hold kept the count from. */
  static String wanted(int n) {
    return " (wanted " + n + ")";
  }
}
