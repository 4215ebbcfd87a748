package io.lagscaler.loadtest.sim;

/**
 * The summary of one simulated run.
 *
 * @param sloViolationSeconds seconds in which the group's max time lag exceeded the target
 * @param maxLag the largest total lag, messages
 * @param maxLagSeconds the largest time lag, seconds
 * @param replicaSeconds replicas run (ready or starting) summed over seconds
 * @param scalingEvents changes of the replica count
 * @param rebalanceSeconds seconds the group was paused by rebalances
 * @param finalLag the total lag at the end
 * @param oversizedSeconds seconds in long stretches of far more replicas than the true need while
 *     the group was well within its target (see {@link Oversized})
 */
public record SimResult(
    String scenario,
    String policy,
    long sloViolationSeconds,
    long maxLag,
    double maxLagSeconds,
    long replicaSeconds,
    int scalingEvents,
    long rebalanceSeconds,
    long finalLag,
    long oversizedSeconds) {}
