package io.lagscaler.controller;

import io.lagscaler.observe.Poll;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The controller as of its last poll.
 *
 * @param lastPoll the last poll's cost, empty before the first
 * @param lastSuccessfulPoll when Kafka last answered for at least one group
 * @param configRejection the last rejected config change, empty once a valid one applies
 */
public record ControllerStatus(
    Instant at,
    String identity,
    boolean leader,
    Optional<String> currentLeader,
    Optional<Instant> configLoadedAt,
    Optional<ConfigRejection> configRejection,
    Optional<Poll.PollStats> lastPoll,
    Optional<Instant> lastSuccessfulPoll,
    List<TargetStatus> targets) {

  /** A config change that was refused; the previous config stayed in force. */
  public record ConfigRejection(Instant at, String origin, String message) {}
}
