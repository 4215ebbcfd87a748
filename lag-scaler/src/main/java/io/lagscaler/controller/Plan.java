package io.lagscaler.controller;

import io.lagscaler.act.ScaleChange;
import io.lagscaler.act.ScaleState;
import io.lagscaler.decide.Decision;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the controller will do with one target's decision at this poll, decided apart from doing it:
 * {@link #of} is pure (everything it weighs is passed in), {@link Actuator} carries it out. The
 * order of the checks is the policy: another autoscaler's ownership first (never fight it), then
 * the pause annotation, then leadership (only the leader writes), then dry run.
 */
public sealed interface Plan {

  /** The decision as it is explained on the workload. */
  ScaleChange change();

  /** The action reported for this plan once carried out. */
  Action action();

  /** Write the new count through /scale, then explain it (Event and annotation). */
  record Write(ScaleChange change) implements Plan {
    @Override
    public Action action() {
      return Action.SCALED;
    }
  }

  /** Dry run: explain the change on the workload as not applied, write nothing. */
  record DryRun(ScaleChange change) implements Plan {
    @Override
    public Action action() {
      return Action.DRY_RUN;
    }
  }

  /**
   * Another autoscaler owns the workload: write nothing; when this instance leads and the decision
   * would change the count, say so on the workload.
   */
  record Refuse(ScaleChange change, List<String> owners, boolean explain) implements Plan {
    public Refuse {
      owners = List.copyOf(owners);
    }

    @Override
    public Action action() {
      return Action.REFUSED_COMPETING_AUTOSCALER;
    }
  }

  /** The count stays; the last-decision annotation is refreshed because the reason changed. */
  record Annotate(ScaleChange change) implements Plan {
    @Override
    public Action action() {
      return Action.UNCHANGED;
    }
  }

  /** Nothing to do on the API server: unchanged, paused, or a standby's decision. */
  record Hold(ScaleChange change, Action action) implements Plan {}

  /**
   * The last time the annotation was written, and for which reason and count ({@code SCALE_UP/12}):
   * an unchanged decision refreshes it only when that changed, at most once per {@link
   * #ANNOTATE_EVERY}.
   */
  record Annotated(String key, Instant at) {}

  /** The least time between two annotation writes of an unchanged count. */
  Duration ANNOTATE_EVERY = Duration.ofMinutes(1);

  /**
   * The plan for a decision.
   *
   * @param scale the workload as read this poll (its owners and pause annotation)
   * @param leader whether this instance may write
   * @param dryRun global or per-target dry run
   * @param annotated the last annotation written, if any
   */
  static Plan of(
      Decision decision,
      ScaleState scale,
      boolean leader,
      boolean dryRun,
      Optional<Annotated> annotated,
      Instant now) {
    ScaleChange change =
        new ScaleChange(
            now,
            decision.currentReplicas(),
            decision.replicas(),
            decision.reason().name(),
            decision.explanation());
    if (!scale.competingAutoscalers().isEmpty()) {
      return new Refuse(change, scale.competingAutoscalers(), leader && decision.changes());
    }
    if (scale.paused()) {
      return new Hold(change, Action.PAUSED);
    }
    if (!leader) {
      return new Hold(change, decision.changes() ? Action.STANDBY : Action.UNCHANGED);
    }
    if (!decision.changes()) {
      // Keep the annotation current when the reason changes, without a write every poll.
      boolean stale =
          annotated.isEmpty()
              || (!annotated.get().key().equals(annotationKey(change))
                  && !now.isBefore(annotated.get().at().plus(ANNOTATE_EVERY)));
      return !dryRun && stale ? new Annotate(change) : new Hold(change, Action.UNCHANGED);
    }
    return dryRun ? new DryRun(change) : new Write(change);
  }

  /** What an annotation says, for telling whether it needs rewriting. */
  static String annotationKey(ScaleChange change) {
    return change.reason() + "/" + change.to();
  }
}
