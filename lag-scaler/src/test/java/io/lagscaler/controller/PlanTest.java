package io.lagscaler.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.act.ScaleState;
import io.lagscaler.decide.Decision;
import io.lagscaler.decide.Reason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the controller plans to do with a decision, decided without doing it. */
class PlanTest {

  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final ScaleState FREE = state(Map.of(), List.of());
  private static final ScaleState PAUSED =
      state(Map.of(ScaleState.PAUSED_ANNOTATION, "true"), List.of());
  private static final ScaleState OWNED =
      state(Map.of(), List.of("HorizontalPodAutoscaler shop/orders"));

  private static ScaleState state(Map<String, String> annotations, List<String> owners) {
    return new ScaleState(3, 3, 3, annotations, owners);
  }

  private static Decision decision(int from, int to, Reason reason) {
    return new Decision(
        NOW,
        from,
        to,
        reason,
        from + " -> " + to,
        new Decision.Figures(0, OptionalDouble.empty(), OptionalDouble.empty(), 1, false, to));
  }

  private static final Decision UP = decision(3, 6, Reason.SCALE_UP);
  private static final Decision SAME = decision(3, 3, Reason.AT_TARGET);

  /** name, decision, workload, leader, dry run, the plan's type, the action it reports. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "the leader writes a change", UP, FREE, true, false, Plan.Write.class, Action.SCALED),
        Arguments.of(
            "dry run explains, never writes",
            UP,
            FREE,
            true,
            true,
            Plan.DryRun.class,
            Action.DRY_RUN),
        Arguments.of(
            "a standby holds a change", UP, FREE, false, false, Plan.Hold.class, Action.STANDBY),
        Arguments.of(
            "a standby with no change is unchanged",
            SAME,
            FREE,
            false,
            false,
            Plan.Hold.class,
            Action.UNCHANGED),
        Arguments.of(
            "paused beats leadership", UP, PAUSED, true, false, Plan.Hold.class, Action.PAUSED),
        Arguments.of(
            "another autoscaler beats the pause",
            UP,
            OWNED,
            true,
            false,
            Plan.Refuse.class,
            Action.REFUSED_COMPETING_AUTOSCALER),
        Arguments.of(
            "another autoscaler beats dry run",
            UP,
            OWNED,
            true,
            true,
            Plan.Refuse.class,
            Action.REFUSED_COMPETING_AUTOSCALER),
        Arguments.of(
            "an unchanged count is annotated once",
            SAME,
            FREE,
            true,
            false,
            Plan.Annotate.class,
            Action.UNCHANGED),
        Arguments.of(
            "dry run annotates nothing",
            SAME,
            FREE,
            true,
            true,
            Plan.Hold.class,
            Action.UNCHANGED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void plansTheDecision(
      String name,
      Decision decision,
      ScaleState scale,
      boolean leader,
      boolean dryRun,
      Class<? extends Plan> type,
      Action action) {
    Plan plan = Plan.of(decision, scale, leader, dryRun, Optional.empty(), NOW);

    assertThat(plan).isInstanceOf(type);
    assertThat(plan.action()).isEqualTo(action);
    assertThat(plan.change().from()).isEqualTo(decision.currentReplicas());
    assertThat(plan.change().to()).isEqualTo(decision.replicas());
  }

  @Test
  void aRefusalIsExplainedOnlyByTheLeaderAndOnlyForAChange() {
    assertThat(((Plan.Refuse) Plan.of(UP, OWNED, true, false, Optional.empty(), NOW)).explain())
        .isTrue();
    assertThat(((Plan.Refuse) Plan.of(UP, OWNED, false, false, Optional.empty(), NOW)).explain())
        .isFalse();
    assertThat(((Plan.Refuse) Plan.of(SAME, OWNED, true, false, Optional.empty(), NOW)).explain())
        .isFalse();
  }

  @Test
  void theAnnotationIsRewrittenWhenItsReasonChangedAndAMinutePassedOnly() {
    Plan.Annotated same = new Plan.Annotated("AT_TARGET/3", NOW.minus(Duration.ofHours(1)));
    Plan.Annotated otherJustNow = new Plan.Annotated("SCALE_UP/3", NOW.minusSeconds(10));
    Plan.Annotated otherLongAgo = new Plan.Annotated("SCALE_UP/3", NOW.minusSeconds(61));

    assertThat(Plan.of(SAME, FREE, true, false, Optional.of(same), NOW))
        .isInstanceOf(Plan.Hold.class);
    assertThat(Plan.of(SAME, FREE, true, false, Optional.of(otherJustNow), NOW))
        .isInstanceOf(Plan.Hold.class);
    assertThat(Plan.of(SAME, FREE, true, false, Optional.of(otherLongAgo), NOW))
        .isInstanceOf(Plan.Annotate.class);
  }
}
