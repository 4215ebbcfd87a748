package io.lagscaler.loadtest.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * A transcription of the Kubernetes HPA v2 for one External metric of target type AverageValue
 * ({@code pkg/controller/podautoscaler}: GetExternalPerPodMetricReplicas,
 * stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate,
 * calculateScale{Up,Down}LimitWithScalingRules) with the default behavior: tolerance 0.1; scale up
 * no stabilization, max(4 pods, 100 %) per 15 s; scale down stabilization 300 s, 100 % per 15 s.
 * Times are whole seconds passed in.
 */
public final class Hpa {

  /** One rate policy: PODS or PERCENT per period. */
  public record Policy(boolean percent, int value, int periodSeconds) {}

  /** HPAScalingRules with selectPolicy Max. */
  public record Rules(int stabilizationSeconds, List<Policy> policies) {}

  public static final double TOLERANCE = 0.1;
  public static final int SYNC_SECONDS = 15;
  public static final Rules DEFAULT_UP =
      new Rules(0, List.of(new Policy(false, 4, 15), new Policy(true, 100, 15)));
  public static final Rules DEFAULT_DOWN = new Rules(300, List.of(new Policy(true, 100, 15)));

  private record Rec(long at, int replicas) {}

  private record Event(long at, int change) {}

  private final int minReplicas;
  private final int maxReplicas;
  private final Rules up;
  private final Rules down;
  private final List<Rec> recommendations = new ArrayList<>();
  private final List<Event> upEvents = new ArrayList<>();
  private final List<Event> downEvents = new ArrayList<>();

  public Hpa(int minReplicas, int maxReplicas) {
    this(minReplicas, maxReplicas, DEFAULT_UP, DEFAULT_DOWN);
  }

  public Hpa(int minReplicas, int maxReplicas, Rules up, Rules down) {
    this.minReplicas = minReplicas;
    this.maxReplicas = maxReplicas;
    this.up = up;
    this.down = down;
  }

  /**
   * Records a recommendation made before the simulation starts, as an HPA that has been running at
   * this count would have: without it the first sync could scale down at once, which a long-running
   * HPA would not.
   */
  public void seed(long at, int replicas) {
    recommendations.add(new Rec(at, replicas));
  }

  /** GetExternalPerPodMetricReplicas: the raw desired count, or the current within tolerance. */
  public static int replicasForAverageValue(long usage, long target, int statusReplicas) {
    double ratio = (double) usage / ((double) target * statusReplicas);
    if (Math.abs(1.0 - ratio) > TOLERANCE) {
      return (int) Math.ceil((double) usage / target);
    }
    return statusReplicas;
  }

  /** One sync: the count the HPA sets (scaling is disabled at zero replicas). */
  public int reconcile(long now, long metric, long target, int current) {
    if (current == 0) {
      return 0;
    }
    int desired;
    if (current > maxReplicas) {
      desired = maxReplicas;
    } else if (current < minReplicas) {
      desired = minReplicas;
    } else {
      desired = normalize(now, current, replicasForAverageValue(metric, target, current));
    }
    if (desired != current) {
      List<Event> events = desired > current ? upEvents : downEvents;
      events.add(new Event(now, desired - current));
    }
    return desired;
  }

  /** normalizeDesiredReplicasWithBehaviors: stabilize, then the rate limits and min/max. */
  int normalize(long now, int current, int prenormalized) {
    int stabilized = stabilize(now, current, prenormalized);
    return convertWithBehaviorRate(now, current, stabilized);
  }

  private int stabilize(long now, int current, int desired) {
    long upCutoff = now - up.stabilizationSeconds();
    long downCutoff = now - down.stabilizationSeconds();
    int upRec = desired;
    int downRec = desired;
    for (Rec r : recommendations) {
      if (r.at() > upCutoff) {
        upRec = Math.min(upRec, r.replicas());
      }
      if (r.at() > downCutoff) {
        downRec = Math.max(downRec, r.replicas());
      }
    }
    int recommendation = current;
    if (recommendation < upRec) {
      recommendation = upRec;
    }
    if (recommendation > downRec) {
      recommendation = downRec;
    }
    recommendations.removeIf(r -> r.at() <= upCutoff && r.at() <= downCutoff);
    recommendations.add(new Rec(now, desired));
    return recommendation;
  }

  private int convertWithBehaviorRate(long now, int current, int desired) {
    if (desired > current) {
      int limit = Math.max(current, scaleUpLimit(now, current));
      int maxAllowed = Math.min(maxReplicas, limit);
      return Math.min(desired, maxAllowed);
    }
    if (desired < current) {
      int limit = Math.min(current, scaleDownLimit(now, current));
      int minAllowed = Math.max(minReplicas, limit);
      return Math.max(desired, minAllowed);
    }
    return desired;
  }

  private int periodStart(long now, int current, int periodSeconds) {
    long cutoff = now - periodSeconds;
    int added = 0;
    int deleted = 0;
    for (Event e : upEvents) {
      if (e.at() > cutoff) {
        added += e.change();
      }
    }
    for (Event e : downEvents) {
      if (e.at() > cutoff) {
        deleted -= e.change();
      }
    }
    return current - added + deleted;
  }

  int scaleUpLimit(long now, int current) {
    int result = Integer.MIN_VALUE;
    for (Policy p : up.policies()) {
      int start = periodStart(now, current, p.periodSeconds());
      int proposed =
          p.percent() ? (int) Math.ceil(start * (1 + p.value() / 100.0)) : start + p.value();
      result = Math.max(result, proposed);
    }
    return result;
  }

  int scaleDownLimit(long now, int current) {
    int result = Integer.MAX_VALUE;
    for (Policy p : down.policies()) {
      int start = periodStart(now, current, p.periodSeconds());
      int proposed = p.percent() ? (int) (start * (1 - p.value() / 100.0)) : start - p.value();
      result = Math.min(result, proposed);
    }
    return result;
  }
}
