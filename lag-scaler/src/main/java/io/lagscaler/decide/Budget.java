package io.lagscaler.decide;

import io.lagscaler.decide.History.ScaleEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The budget of scale events ({@code maxScaleEventsPerHour}) as a trade-off, not a wall. Each
 * change is a rebalance, and the budget stops flapping; once it is spent a change still goes when
 * it is worth more than it costs:
 *
 * <ul>
 *   <li>a scale-up past half the target: a violation of the target is near, and a breached SLO
 *       outweighs any rebalance;
 *   <li>a scale-down whose saving outweighs its cost: it saves (current - proposed) replicas until
 *       the budget frees a slot anyway (the oldest change leaves the window), and costs the pause
 *       of every consumer twice (this rebalance, and one more if the load comes back). A group that
 *       fell to a sixth of its load is not held at six times its need to save one pause.
 * </ul>
 *
 * Waking from zero is never held: nothing consumes at zero, there is no rebalance worth saving.
 */
final class Budget implements Rule {

  /** The change itself, and one change back if the load returns. */
  static final int REBALANCES_PER_SHRINK = 2;

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    if (p.replicas() == current || p.held() || c.wakes() || p.reason() == Reason.PROBE_UNDONE) {
      return p;
    }
    List<ScaleEvent> window = inWindow(c);
    int budget = c.policy().maxScaleEventsPerHour();
    if (window.size() < budget || (p.replicas() > current && c.urgent())) {
      return p;
    }
    String spent = window.size() + " changes in the last hour >= budget " + budget;
    if (p.replicas() < current) {
      Instant frees = window.getFirst().at().plus(EngineConstants.BUDGET_WINDOW);
      double until = Math.max(0, Explanation.seconds(Duration.between(c.now(), frees)));
      double saved = (current - p.replicas()) * until;
      double cost = REBALANCES_PER_SHRINK * c.pause() * current;
      if (saved > cost) {
        return p.set(
            p.replicas(),
            Reason.WORTH_A_REBALANCE,
            String.format(
                Locale.ROOT,
                "%s, but %d fewer replicas for the %.0f s until it frees a change save %s"
                    + " replica-seconds > %s lost to %d rebalances of %.0f s x %d consumers",
                spent,
                current - p.replicas(),
                until,
                Explanation.num(saved),
                Explanation.num(cost),
                REBALANCES_PER_SHRINK,
                c.pause(),
                current));
      }
    }
    return p.holdAt(
        current,
        Reason.EVENT_BUDGET,
        spent + Explanation.wanted(p.replicas()),
        c.policy(),
        c.partitions());
  }

  /** The changes within the budget window before now, oldest first. */
  static List<ScaleEvent> inWindow(Context c) {
    Instant cutoff = c.now().minus(EngineConstants.BUDGET_WINDOW);
    return c.history().events().stream().filter(e -> e.at().isAfter(cutoff)).toList();
  }
}
