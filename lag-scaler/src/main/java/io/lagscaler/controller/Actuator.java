package io.lagscaler.controller;

import io.lagscaler.act.DecisionRecorder;
import io.lagscaler.act.Scaler;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.explain.ScalerMetrics;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out plans: the only place the controller writes replicas, Events and annotations. What to
 * do was settled by {@link Plan#of}; this class only does it, and reports failures as {@link
 * ScalerException}s for the controller's backoff.
 */
final class Actuator {

  private static final Logger LOG = LoggerFactory.getLogger(Actuator.class);

  private final Scaler scaler;
  private final DecisionRecorder recorder;
  private final ScalerMetrics metrics;

  Actuator(Scaler scaler, DecisionRecorder recorder, ScalerMetrics metrics) {
    this.scaler = Objects.requireNonNull(scaler, "scaler");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /** Does what the plan says for the target's workload; returns the action it reports. */
  Action carryOut(String target, WorkloadRef workload, Plan plan) throws ScalerException {
    switch (plan) {
      case Plan.Write write -> {
        scaler.scale(workload, write.change().to());
        LOG.info("target {}: {}", target, write.change().explanation());
        recorder.recordChange(workload, write.change(), false);
        recorder.annotate(workload, write.change());
        metrics.scaleEvent(target, write.change().to() > write.change().from());
      }
      case Plan.DryRun dryRun -> {
        recorder.recordChange(workload, dryRun.change(), true);
        LOG.info("target {} (dry run): {}", target, dryRun.change().explanation());
      }
      case Plan.Refuse refuse -> {
        if (refuse.explain()) {
          recorder.recordRefusal(
              workload,
              Action.REFUSED_COMPETING_AUTOSCALER.name(),
              "Not scaling "
                  + workload
                  + ": "
                  + String.join(", ", refuse.owners())
                  + " already controls its replicas. Remove it or this target. Wanted: "
                  + refuse.change().explanation());
        }
      }
      case Plan.Annotate annotate -> recorder.annotate(workload, annotate.change());
      case Plan.Hold hold -> {
        // Nothing to do on the API server.
      }
    }
    return plan.action();
  }

  /**
   * A Warning Event on a workload whose annotations are not reconciled (the recorder writes an
   * unchanged one again only after its repeat window).
   */
  void report(ControllerStatus.DiscoveryIssue issue) throws ScalerException {
    recorder.recordRefusal(issue.workload(), issue.kind().name(), issue.message());
  }
}
