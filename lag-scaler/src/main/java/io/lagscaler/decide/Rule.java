package io.lagscaler.decide;

/**
 * One step of the decision (docs/decisions.md lists them in order): a pure function from the
 * proposal so far and what is known at this poll to the next proposal.
 */
interface Rule {
  Proposal apply(Proposal p, Context c);
}
