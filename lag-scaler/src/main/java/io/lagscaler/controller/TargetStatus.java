package io.lagscaler.controller;

import io.lagscaler.decide.Decision;
import io.lagscaler.signals.GroupSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One target as of the last poll, for the status endpoint, metrics and logs.
 *
 * @param targetLag the time-lag target the decisions aim at
 * @param decision the last decision (empty before the first, or while the workload is unreadable)
 * @param lastScaleTime the last time this instance wrote a new count
 * @param error the last error, empty once an act call succeeds again
 */
public record TargetStatus(
    String name,
    String workload,
    String consumerGroup,
    Duration targetLag,
    GroupSignals signals,
    int desiredReplicas,
    int currentReplicas,
    int readyReplicas,
    Optional<Decision> decision,
    Action action,
    Optional<Instant> lastScaleTime,
    Optional<String> error,
    int consecutiveFailures,
    boolean dryRun,
    List<String> competingAutoscalers) {

  public TargetStatus {
    competingAutoscalers = List.copyOf(competingAutoscalers);
  }
}
