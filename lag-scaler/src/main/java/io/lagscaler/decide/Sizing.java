package io.lagscaler.decide;

import static io.lagscaler.decide.Explanation.num;

import java.util.Locale;

/**
 * The need, and the count that serves it: in LAG mode the lag over {@code lagPerReplica} (KEDA's
 * meaning); in RATE mode (arrival + backlog / drain) over the per-replica rate the policy plans
 * for, the arrival being the mean over the time left before the target ({@link
 * Context#absorbedArrival()}). A scale-up also drains what arrives during its own rebalance. With
 * even distribution, the smallest count whose busiest consumer keeps up. Sets the proposal's need
 * for the rules after it.
 */
final class Sizing implements Rule {

  /** A mean this far from the latest smoothed rate is named in the explanation. */
  static final double ABSORBED_NOTE = 0.05;

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    long lag = c.lag();
    return switch (c.policy().mode()) {
      case LAG -> {
        double fraction = (double) lag / c.policy().lagPerReplica();
        yield sized(
            p.withNeed(fraction),
            fraction,
            c,
            String.format(
                Locale.ROOT, "lag %s / %s per replica", num(lag), num(c.policy().lagPerReplica())));
      }
      case RATE -> {
        if (c.measured().arrival().isEmpty()) {
          yield p.set(current, Reason.WARMING_UP, "arrival rate not known yet");
        }
        double arrival = c.absorbedArrival().getAsDouble();
        double fraction = (arrival + excess(c, lag) / c.drain()) / capacity(c);
        int n = Counts.countFor(fraction, c.partitions(), c.policy().evenDistribution());
        double latest = c.measured().arrival().getAsDouble();
        // Say so when the mean the target absorbs is not the latest rate (a swinging load).
        String cost =
            Math.abs(arrival - latest) > ABSORBED_NOTE * latest
                ? String.format(
                    Locale.ROOT,
                    "arrival averaged over the %.0f s left before the target: %s msg/s",
                    c.drain(),
                    num(arrival))
                : "";
        if (n > current && current > 0 && c.pause() > 0) {
          // Growing pauses the group too: size for what arrives during the pause as well.
          fraction = (arrival + excess(c, backlog(c)) / c.drain()) / capacity(c);
          cost =
              (cost.isEmpty() ? "" : cost + ", ")
                  + String.format(
                      Locale.ROOT,
                      "incl. %s msgs arriving in a %.0f s rebalance",
                      num(latest * c.pause()),
                      c.pause());
        }
        yield sized(p.withNeed(fraction), fraction, c, cost);
      }
    };
  }

  /**
   * The part of a backlog that must drain: what exceeds the arrivals of the time lag the target can
   * hold standing. A group consuming as fast as messages arrive keeps its time lag where it is; a
   * time lag within the calm share of the target, leaving room for one rebalance pause, needs no
   * replicas to bring it to zero.
   */
  static double excess(Context c, double backlog) {
    double arrival = c.absorbedArrival().orElse(0);
    double standing = Math.max(0, c.target() * c.policy().standingLagShare() - c.pause());
    return Math.max(0, backlog - arrival * standing);
  }

  /** msgs/s one replica is planned to serve: the learned rate at the target utilization. */
  static double capacity(Context c) {
    return c.measured().perReplicaRate() * c.policy().targetUtilization();
  }

  /** The backlog a scale-up must drain: the lag plus what arrives during its rebalance. */
  static double backlog(Context c) {
    double arrival = c.measured().arrival().orElse(0);
    return c.current() > 0 && c.pause() > 0 ? c.lag() + arrival * c.pause() : c.lag();
  }

  /** The count for a need of {@code fraction} full replicas, by direction or spread. */
  private static Proposal sized(Proposal p, double fraction, Context c, String detail) {
    int partitions = c.partitions();
    int plain = Counts.countFor(fraction, partitions, false);
    int n = Counts.countFor(fraction, partitions, c.policy().evenDistribution());
    if (n != plain && n != c.current()) {
      int busiest = Counts.ceilDiv(partitions, Math.min(plain, partitions));
      return p.set(
          n,
          Reason.EVEN_DISTRIBUTION,
          String.format(
                  Locale.ROOT,
                  "need %.2f replicas; %d would serve like %s (busiest has %d of %d partitions)",
                  fraction,
                  plain,
                  num((double) partitions / busiest),
                  busiest,
                  partitions)
              + (detail.isEmpty() ? "" : ", " + detail));
    }
    Reason direction =
        n > c.current() ? Reason.SCALE_UP : n < c.current() ? Reason.SCALE_DOWN : Reason.AT_TARGET;
    return p.set(n, direction, detail);
  }
}
