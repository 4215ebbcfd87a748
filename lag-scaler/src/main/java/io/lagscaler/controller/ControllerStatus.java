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
 * @param discoveryIssues workloads whose annotations declare a target that is not reconciled
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
    List<TargetStatus> targets,
    List<DiscoveryIssue> discoveryIssues) {

  public ControllerStatus {
    targets = List.copyOf(targets);
    discoveryIssues = List.copyOf(discoveryIssues);
  }

  /**
   * A workload whose annotations declare a target that is not reconciled: invalid annotations (the
   * workload holds at its replicas), or a config target that already scales it (the config wins).
   */
  public record DiscoveryIssue(io.lagscaler.act.WorkloadRef workload, Kind kind, String message) {
    public enum Kind {
      INVALID_ANNOTATIONS,
      EXPLICIT_TARGET_WINS
    }
  }

  /** A config change that was refused; the previous config stayed in force. */
  public record ConfigRejection(Instant at, String origin, String message) {}
}
