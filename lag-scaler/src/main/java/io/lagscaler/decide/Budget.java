package io.lagscaler.decide;

/**
 * The budget of scale events ({@code maxScaleEventsPerHour}): each change is a rebalance, and the
 * budget stops flapping. It never stops a scale-up once the time lag is past half the target, nor a
 * wake from zero (nothing consumes at zero: no rebalance worth saving).
 */
final class Budget implements Rule {

  @Override
  public Proposal apply(Proposal p, Context c) {
    int current = c.current();
    if (p.replicas() == current || p.held() || c.wakes()) {
      return p;
    }
    long spent = spent(c);
    int budget = c.policy().maxScaleEventsPerHour();
    if (spent < budget || (p.replicas() > current && c.urgent())) {
      return p;
    }
    return p.holdAt(
        current,
        Reason.EVENT_BUDGET,
        spent + " changes in the last hour >= budget " + budget + Explanation.wanted(p.replicas()),
        c.policy(),
        c.partitions());
  }

  /** Changes within the budget window before now. */
  static long spent(Context c) {
    return c.history().events().stream()
        .filter(e -> e.at().isAfter(c.now().minus(EngineConstants.BUDGET_WINDOW)))
        .count();
  }
}
