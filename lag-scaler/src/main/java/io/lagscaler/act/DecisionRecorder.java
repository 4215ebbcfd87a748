package io.lagscaler.act;

/**
 * Explains decisions on the workload itself: a Kubernetes Event for every change (rate-limited so a
 * flapping target cannot flood the API) and the last decision in an annotation.
 */
public interface DecisionRecorder {

  /** A change of replicas that was applied (or would have been, in dry run). */
  void recordChange(WorkloadRef workload, ScaleChange change, boolean dryRun)
      throws ScalerException;

  /** A decision not applied, with the reason (competing autoscaler, paused...). */
  void recordRefusal(WorkloadRef workload, String reason, String message) throws ScalerException;

  /** Writes the last decision into the workload's annotation (every poll where it changed). */
  void annotate(WorkloadRef workload, ScaleChange decision) throws ScalerException;
}
