package io.lagscaler.decide;

/**
 * What the engine remembers about one target between decisions, in two parts: what it learned about
 * the group (estimates) and what happened (changes, recommendations, the last poll). Immutable:
 * each decision returns the next state, for when it is applied and for when it is not ({@link
 * DecisionEngine.Outcome#next(boolean)}).
 */
public record DecisionState(Learned learned, History history) {

  /** The state of a target never decided before. */
  public static DecisionState initial(ScalingPolicy policy) {
    return new DecisionState(Learned.initial(policy), History.initial());
  }
}
