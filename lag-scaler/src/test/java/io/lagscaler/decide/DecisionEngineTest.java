package io.lagscaler.decide;

import static io.lagscaler.decide.Polls.at;
import static io.lagscaler.decide.Polls.failedAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.lagscaler.decide.ScalingPolicy.PolicyType;
import io.lagscaler.decide.ScalingPolicy.RatePolicy;
import io.lagscaler.decide.ScalingPolicy.ScalingRules;
import io.lagscaler.decide.ScalingPolicy.Select;
import io.lagscaler.observe.GroupState;
import io.lagscaler.signals.PartitionStatus;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Named table tests, one or more per policy feature: each case is a sequence of polls (time and
 * signals) with the decision expected after each. The replicas decided become the next poll's
 * current count (and, unless a poll says otherwise, its ready count and members).
 */
class DecisionEngineTest {

  /** One poll and what must come of it; {@code explains} must appear in the explanation. */
  record Expect(Polls.Poll poll, int replicas, Reason reason, String explains) {}

  record Case(ScalingPolicy policy, int partitions, int initialReplicas, List<Expect> steps) {}

  static Expect expect(Polls.Poll poll, int replicas, Reason reason) {
    return new Expect(poll, replicas, reason, "");
  }

  static Expect expect(Polls.Poll poll, int replicas, Reason reason, String explains) {
    return new Expect(poll, replicas, reason, explains);
  }

  /**
   * One feature at a time: no even spreading, tolerance, standing time lag, settling, stepping
   * ahead, stabilization or rate limits, unless a case turns one on.
   */
  static ScalingPolicy.Builder plain() {
    return ScalingPolicy.builder()
        .maxReplicas(20)
        .evenDistribution(false)
        .tolerance(0)
        .standingLagShare(0)
        .settleTime(Duration.ZERO)
        .stepAhead(Duration.ZERO)
        .expectedRebalance(Duration.ZERO)
        .reactionTime(Duration.ZERO)
        .maxScaleEventsPerHour(100)
        .scaleUp(new ScalingRules(Duration.ZERO, Select.MAX, List.of()))
        .scaleDown(new ScalingRules(Duration.ZERO, Select.MAX, List.of()));
  }

  static ScalingPolicy.Builder lagMode() {
    return plain().mode(ScalingPolicy.Mode.LAG).lagPerReplica(1000);
  }

  static ScalingRules rules(Duration window, Select select, RatePolicy... policies) {
    return new ScalingRules(window, select, List.of(policies));
  }

  static RatePolicy pods(int n, int periodSeconds) {
    return new RatePolicy(PolicyType.PODS, n, Duration.ofSeconds(periodSeconds));
  }

  static RatePolicy percent(int n, int periodSeconds) {
    return new RatePolicy(PolicyType.PERCENT, n, Duration.ofSeconds(periodSeconds));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        argumentSet(
            "rate: sizes from arrival, backlog and the per-replica rate measured when saturated",
            new Case(
                plain().build(),
                24,
                2,
                List.of(
                    expect(at(0, 300, 0).timeLag(10), 2, Reason.WARMING_UP),
                    // 24 x 1000 msgs in 10 s = 2,400 msg/s; 2 busy replicas committed 480 msg/s.
                    // The backlog drains in the 18 s left of the target:
                    // (2,400 + 26,400 / 18) / (240 x 0.9) = 17.9
                    expect(
                        at(10, 1300, 200).timeLag(12),
                        18,
                        Reason.SCALE_UP,
                        "Scaled up from 2 to 18 (SCALE_UP): lag 26,400, time lag 12 s <= target 30"
                            + " s, arrival 2,400 msg/s, per-replica 240 msg/s")))),
        argumentSet(
            "rate: a time lag the target can hold standing needs no replicas to bring it to zero",
            new Case(
                plain().standingLagShare(0.75).build(),
                24,
                2,
                List.of(
                    expect(at(0, 300, 0).timeLag(10), 2, Reason.WARMING_UP),
                    // As in the first case, but 3/4 of 30 s of arrivals (54,000) may stand: the
                    // 26,400 behind need no draining. 2,400 / 216 = 11.1
                    expect(
                        at(10, 1300, 200).timeLag(12),
                        12,
                        Reason.SCALE_UP,
                        "Scaled up from 2 to 12 (SCALE_UP): lag 26,400, time lag 12 s")))),
        argumentSet(
            "rate: a time lag over target drains within a quarter of it",
            new Case(
                plain().maxReplicas(40).build(),
                48,
                2,
                List.of(
                    expect(at(0, 300, 0).timeLag(40), 2, Reason.WARMING_UP),
                    // 4,800 msg/s, 480 per replica: (4,800 + 52,800 / 7.5) / 432 = 27.4
                    expect(at(10, 1300, 200).timeLag(41), 28, Reason.SCALE_UP)))),
        argumentSet(
            "rate: the prior alone adds no replicas to a group that keeps up",
            new Case(
                plain().build(),
                24,
                1,
                List.of(
                    expect(at(0, 0, 0), 1, Reason.WARMING_UP),
                    // 96 msg/s, kept up with: the prior 100 x 0.9 asks for 2, the group says no.
                    expect(
                        at(10, 40, 40),
                        1,
                        Reason.KEEPING_UP,
                        "the prior asks for 2, but the group keeps up (time lag 0 s)")))),
        argumentSet(
            "rate: the prior sizes a group that cannot be measured yet (a pod not ready)",
            new Case(
                plain().build(),
                24,
                2,
                List.of(
                    expect(at(0, 0, 0).ready(1), 2, Reason.WARMING_UP),
                    // 240 msg/s, 1,440 behind: (240 + 1,440 / 29) / (100 x 0.9) = 3.2
                    expect(
                        at(10, 100, 40).ready(1),
                        4,
                        Reason.SCALE_UP,
                        "per-replica 100 msg/s (prior)")))),
        argumentSet(
            "rate: scales down when the measured rate serves arrival and backlog with room",
            new Case(
                plain().build(),
                24,
                10,
                List.of(
                    expect(at(0, 1000, 0), 10, Reason.WARMING_UP),
                    // 240 msg/s arrive; 10 busy replicas drained 2,400 msg/s: 240 each.
                    // (240 + 2,400 / 30) / 216 = 1.5
                    expect(at(10, 1100, 1000), 2, Reason.SCALE_DOWN, "per-replica 240 msg/s")))),
        argumentSet(
            "rate: a message or two in flight after each commit is not a backlog: the capacity"
                + " is not measured from it",
            new Case(
                plain().build(),
                12,
                4,
                List.of(
                    expect(at(0, 1000, 999), 4, Reason.WARMING_UP),
                    // 1 msg/s arrives per partition and 1 stays in flight: keeping up, not
                    // saturated. The prior stands and 1 replica serves 12 msg/s (the old rule
                    // measured 3 msg/s a replica from it and asked for 5).
                    expect(
                        at(10, 1010, 1009),
                        1,
                        Reason.SCALE_DOWN,
                        "per-replica 100 msg/s (prior)")))),
        argumentSet(
            "rate: a few partitions briefly behind on one consumer are a hiccup, not saturation:"
                + " the capacity is not measured from them",
            new Case(
                plain().build(),
                12,
                1,
                List.of(
                    expect(at(0, 1000, 1000), 1, Reason.WARMING_UP),
                    // 1.2 msg/s arrives per partition (14 msg/s in all); one consumer owns all 12
                    // partitions and 2 of them hold a slow batch (3, then 4 behind). A saturated
                    // consumer is behind on every partition it owns: no sample, the prior of
                    // 100 msg/s stands and 1 replica is plenty. The old rule "measured" 14 msg/s
                    // and asked for a second replica.
                    expect(
                        at(10, 1012, 1012).behind(2, 3),
                        1,
                        Reason.AT_TARGET,
                        "per-replica 100 msg/s (prior)"),
                    expect(
                        at(20, 1024, 1024).behind(2, 4),
                        1,
                        Reason.AT_TARGET,
                        "per-replica 100 msg/s (prior)")))),
        argumentSet(
            "lag mode: replicas = ceil(total lag / lagPerReplica), KEDA's lagThreshold",
            new Case(
                lagMode().build(),
                24,
                1,
                List.of(
                    expect(at(0, 500, 0), 12, Reason.SCALE_UP, "lag 12,000 / 1,000 per replica"),
                    expect(at(15, 600, 500), 3, Reason.SCALE_DOWN)))),
        argumentSet(
            "bounds: never more replicas than partitions",
            new Case(
                lagMode().build(),
                4,
                1,
                List.of(
                    expect(
                        at(0, 5000, 0),
                        4,
                        Reason.PARTITION_CAP,
                        "capped at 4 partitions, more consumers would sit idle")))),
        argumentSet(
            "bounds: max replicas",
            new Case(
                lagMode().build(),
                24,
                1,
                List.of(expect(at(0, 1000, 0), 20, Reason.MAX_REPLICAS, "capped at max 20")))),
        argumentSet(
            "bounds: min replicas",
            new Case(
                lagMode().minReplicas(3).build(),
                24,
                5,
                List.of(expect(at(0, 0, 0), 3, Reason.MIN_REPLICAS, "raised to min 3")))),
        argumentSet(
            "even distribution: the smallest count whose busiest consumer keeps up",
            new Case(
                lagMode().evenDistribution(true).build(),
                12,
                1,
                List.of(
                    // 4.5 replicas of lag: 5 consumers on 12 partitions serve like 4, 6 like 6.
                    expect(
                        at(0, 375, 0),
                        6,
                        Reason.EVEN_DISTRIBUTION,
                        "need 4.50 replicas; 5 would serve like 4 (busiest has 3 of 12"
                            + " partitions)")))),
        argumentSet(
            "even distribution off: the plain count",
            new Case(lagMode().build(), 12, 1, List.of(expect(at(0, 375, 0), 5, Reason.SCALE_UP)))),
        argumentSet(
            "even distribution: a max between even counts is still reached (no dead band)",
            new Case(
                lagMode().evenDistribution(true).maxReplicas(5).build(),
                12,
                1,
                List.of(expect(at(0, 375, 0), 5, Reason.MAX_REPLICAS)))),
        argumentSet(
            "tolerance: a change within 10% is ignored, unless the time lag is over target",
            new Case(
                lagMode().tolerance(0.1).build(),
                24,
                10,
                List.of(
                    expect(
                        at(0, 437, 0).timeLag(20),
                        10,
                        Reason.WITHIN_TOLERANCE,
                        "need 10.49 replicas, within 10% of 10"),
                    expect(at(15, 537, 100).timeLag(45), 11, Reason.SCALE_UP)))),
        argumentSet(
            "trend: a group draining its lag within the target gets no extra replicas",
            new Case(
                plain().build(),
                24,
                4,
                List.of(
                    expect(at(0, 2000, 475), 4, Reason.WARMING_UP),
                    // Consumes 1,200 msg/s against 240 arriving: 27,000 gone in 28 s.
                    expect(
                        at(10, 2100, 975),
                        4,
                        Reason.CATCHING_UP,
                        "draining 960 msg/s net, lag gone in 28 s <= 29 s left of target 30 s")))),
        argumentSet(
            "trend: a falling time lag well within target needs no extra replicas",
            new Case(
                plain().build(),
                24,
                3,
                List.of(
                    expect(at(0, 1000, 500), 3, Reason.WARMING_UP),
                    // The tracker says STALLED, but commits moved since the last poll: it is
                    // stale. Net 240 msg/s drains 9,600 in 40 s, the time lag (1 s) falls.
                    expect(
                        at(10, 1100, 700).status(PartitionStatus.STALLED),
                        3,
                        Reason.CATCHING_UP,
                        "(lag gone in 40 s), time lag 1 s falling and within 3/4 of target 30 s")))),
        argumentSet(
            "trend: a group draining too slowly for the target scales up",
            new Case(
                plain().build(),
                24,
                4,
                List.of(
                    expect(at(0, 2000, 1600), 4, Reason.WARMING_UP),
                    // 720 msg/s against 240: 4,800 would take 10 s of the 7.5 s left, and the
                    // time lag is past 3/4 of the target. (240 + 4,800 / 7.5) / 162 = 5.4
                    expect(at(10, 2100, 1900).timeLag(25), 6, Reason.SCALE_UP)))),
        argumentSet(
            "stall: lag without commits gets no extra replicas, and says why",
            new Case(
                plain().build(),
                24,
                3,
                List.of(
                    expect(at(0, 1000, 500), 3, Reason.WARMING_UP),
                    expect(
                        at(10, 1100, 500),
                        3,
                        Reason.STALLED,
                        "no commits on lagging partitions since the last poll"),
                    expect(
                        at(20, 1200, 500).status(PartitionStatus.STALLED),
                        3,
                        Reason.STALLED,
                        "24 partitions with lag and no commits: more consumers will not unblock"
                            + " them")))),
        argumentSet(
            "stall: a caught-up group that stops committing while messages arrive",
            new Case(
                plain().build(),
                24,
                3,
                List.of(
                    expect(at(0, 1000, 1000), 3, Reason.WARMING_UP),
                    expect(
                        at(10, 1100, 1000),
                        3,
                        Reason.STALLED,
                        "no commits on lagging partitions since the last poll")))),
        argumentSet(
            "scale to zero: only after the idle period of no lag and no production",
            new Case(
                plain().scaleToZero(true).idlePeriod(Duration.ofSeconds(60)).build(),
                24,
                2,
                List.of(
                    expect(at(0, 100, 100), 2, Reason.WARMING_UP),
                    expect(at(10, 100, 100), 1, Reason.MIN_REPLICAS),
                    expect(at(40, 100, 100), 1, Reason.MIN_REPLICAS),
                    expect(
                        at(70, 100, 100),
                        0,
                        Reason.SCALE_TO_ZERO,
                        "no lag and no production for 60 s >= idle period 60 s"),
                    expect(at(80, 100, 100), 0, Reason.BELOW_ACTIVATION),
                    // 1,200 behind; arrival smoothed from 0 to 60 msg/s: (60 + 40) / 90 = 1.1
                    expect(
                        at(90, 150, 100), 2, Reason.WAKE_FROM_ZERO, "lag 1,200 > activation 0")))),
        argumentSet(
            "scale to zero: wake only when lag passes the activation threshold",
            new Case(
                plain().scaleToZero(true).activationLag(2000).build(),
                24,
                0,
                List.of(
                    expect(
                        at(0, 50, 0), 0, Reason.BELOW_ACTIVATION, "lag 1,200 <= activation 2,000"),
                    // (120 + 2,400 / 30) / 90 = 2.2
                    expect(at(10, 100, 0), 3, Reason.WAKE_FROM_ZERO)))),
        argumentSet(
            "safety: a failed poll restarts the idle period, never scales to zero",
            new Case(
                plain().scaleToZero(true).idlePeriod(Duration.ofSeconds(60)).build(),
                24,
                1,
                List.of(
                    expect(at(0, 100, 100), 1, Reason.WARMING_UP),
                    expect(at(10, 100, 100), 1, Reason.MIN_REPLICAS),
                    expect(failedAt(40), 1, Reason.HOLD_UNKNOWN_DATA, "poll failed: timeout"),
                    expect(at(50, 100, 100), 1, Reason.MIN_REPLICAS),
                    expect(at(80, 100, 100), 1, Reason.MIN_REPLICAS),
                    expect(at(130, 100, 100), 1, Reason.MIN_REPLICAS),
                    expect(at(140, 100, 100), 0, Reason.SCALE_TO_ZERO)))),
        argumentSet(
            "safety: unknown data holds, the fallback count after N failed polls",
            new Case(
                plain().fallbackReplicas(OptionalInt.of(4)).failuresBeforeFallback(3).build(),
                24,
                2,
                List.of(
                    expect(at(0, 0, 0), 2, Reason.WARMING_UP),
                    expect(failedAt(5), 2, Reason.HOLD_UNKNOWN_DATA, "(1 in a row)"),
                    expect(failedAt(10), 2, Reason.HOLD_UNKNOWN_DATA, "(2 in a row)"),
                    expect(failedAt(15), 4, Reason.FALLBACK, "3 failed polls >= 3"),
                    expect(
                        at(20, 10, 10).unknownLag(),
                        4,
                        Reason.FALLBACK,
                        "1 partitions with unknown lag"),
                    // The gap leaves no previous poll to measure from: rates start over.
                    expect(at(25, 20, 20), 4, Reason.WARMING_UP),
                    expect(at(30, 30, 30), 1, Reason.SCALE_DOWN)))),
        argumentSet(
            "safety: stale signals count as unknown data",
            new Case(
                plain().maxSignalAge(Duration.ofSeconds(60)).build(),
                24,
                3,
                List.of(
                    expect(at(0, 0, 0), 3, Reason.WARMING_UP),
                    // Signals read at t=10, decided on at t=75: 65 s old.
                    new Expect(
                        at(10, 5000, 0).decidedAt(75),
                        3,
                        Reason.HOLD_UNKNOWN_DATA,
                        "signals are 65 s old > 60 s (1 in a row)")))),
        argumentSet(
            "rate: the per-replica rate is a moving average of saturated measurements",
            new Case(
                plain().maxReplicas(2).rateSmoothing(0.3).build(),
                24,
                2,
                List.of(
                    expect(at(0, 1000, 0), 2, Reason.WARMING_UP),
                    // 480 msg/s from 2 busy replicas: 240 each (the first measurement replaces
                    // the prior).
                    expect(at(10, 2000, 200), 2, Reason.MAX_REPLICAS, "per-replica 240 msg/s"),
                    // Now 120 each: 240 + 0.3 x (120 - 240) = 204.
                    expect(at(20, 3000, 300), 2, Reason.MAX_REPLICAS, "per-replica 204 msg/s")))),
        argumentSet(
            "rebalance: hold while the group rebalances",
            new Case(
                lagMode().build(),
                24,
                2,
                List.of(
                    expect(
                        at(0, 500, 0).state(GroupState.REBALANCING),
                        2,
                        Reason.HOLD_REBALANCING,
                        "the group is rebalancing (wanted 12)"),
                    expect(at(5, 500, 0), 12, Reason.SCALE_UP)))),
        argumentSet(
            "rebalance: settle after each change",
            new Case(
                lagMode().settleTime(Duration.ofSeconds(30)).build(),
                24,
                1,
                List.of(
                    expect(at(0, 200, 0), 5, Reason.SCALE_UP),
                    expect(
                        at(10, 433, 100),
                        5,
                        Reason.HOLD_SETTLING,
                        "10 s since the change to 5 < settle time 30 s (wanted 8)"),
                    expect(at(30, 533, 200), 8, Reason.SCALE_UP)))),
        argumentSet(
            "rebalance: a budget of scale events per hour",
            new Case(
                lagMode().maxScaleEventsPerHour(2).build(),
                24,
                1,
                List.of(
                    expect(at(0, 200, 0), 5, Reason.SCALE_UP),
                    expect(at(100, 433, 100), 8, Reason.SCALE_UP),
                    expect(
                        at(200, 700, 200),
                        8,
                        Reason.EVENT_BUDGET,
                        "2 changes in the last hour >= budget 2"),
                    expect(at(3601, 800, 300), 12, Reason.SCALE_UP)))),
        argumentSet(
            "rebalance: the budget never stops a scale-up the target needs now",
            new Case(
                lagMode().maxScaleEventsPerHour(2).build(),
                24,
                1,
                List.of(
                    expect(at(0, 200, 0), 5, Reason.SCALE_UP),
                    expect(at(100, 433, 100), 8, Reason.SCALE_UP),
                    expect(at(200, 700, 200).timeLag(45), 12, Reason.SCALE_UP)))),
        argumentSet(
            "rebalance: no shrink whose pause would push the time lag near the target",
            new Case(
                plain().expectedRebalance(Duration.ofSeconds(20)).build(),
                24,
                10,
                List.of(
                    expect(at(0, 1000, 0), 10, Reason.WARMING_UP),
                    expect(
                        at(10, 1100, 1000).timeLag(5),
                        10,
                        Reason.REBALANCE_COST,
                        "2 would do, but time lag 5 s + a 20 s rebalance > 3/4 of the target"),
                    expect(at(20, 1200, 1200), 2, Reason.SCALE_DOWN)))),
        argumentSet(
            "rebalance: a pause longer than the margin cannot hold extra replicas forever:"
                + " once caught up, shrink",
            new Case(
                plain().expectedRebalance(Duration.ofSeconds(30)).build(),
                24,
                10,
                List.of(
                    expect(at(0, 1000, 0), 10, Reason.WARMING_UP),
                    expect(
                        at(10, 1100, 1000).timeLag(5),
                        10,
                        Reason.REBALANCE_COST,
                        "2 would do, but time lag 5 s + a 30 s rebalance > 3/4 of the target"),
                    expect(at(20, 1200, 1200), 2, Reason.SCALE_DOWN)))),
        argumentSet(
            "rebalance: a scale-up also drains what arrives during its own rebalance",
            new Case(
                plain().expectedRebalance(Duration.ofSeconds(10)).build(),
                20,
                4,
                List.of(
                    expect(at(0, 100, 0), 4, Reason.WARMING_UP),
                    // (2,400 + (6,000 + 2,400 x 10) / 29) / 450 = 7.6
                    expect(
                        at(10, 1300, 1000),
                        8,
                        Reason.SCALE_UP,
                        "incl. 24,000 msgs arriving in a 10 s rebalance")))),
        argumentSet(
            "rebalance: one larger step when arrival keeps rising",
            new Case(
                plain().stepAhead(Duration.ofSeconds(60)).build(),
                20,
                4,
                List.of(
                    expect(at(0, 100, 0), 4, Reason.WARMING_UP),
                    // 2,400 msg/s, 4 busy replicas at 500: (2,400 + 6,000 / 29) / 450 = 5.8
                    expect(at(10, 1300, 1000), 6, Reason.SCALE_UP),
                    // 3,200 msg/s now, smoothed 2,800 rising 20/s: 4,000 in 60 s. Members went
                    // 4 -> 6 with no poll seeing the rebalance: taken as 5 s, averaged with the
                    // expected 0 s. (4,000 + (8,000 + 2,800 x 2.5) / 29) / 450 = 10.04
                    expect(
                        at(20, 2900, 2500),
                        11,
                        Reason.SCALE_UP_AHEAD,
                        "arrival rising 20.0 msg/s per s, sized for 4,000 msg/s in 60 s")))),
        argumentSet(
            "rebalance: without stepping ahead, the count for the arrival seen now",
            new Case(
                plain().build(),
                20,
                4,
                List.of(
                    expect(at(0, 100, 0), 4, Reason.WARMING_UP),
                    expect(at(10, 1300, 1000), 6, Reason.SCALE_UP),
                    // (2,800 + (8,000 + 2,800 x 2.5) / 29) / 450 = 7.4
                    expect(
                        at(20, 2900, 2500),
                        8,
                        Reason.SCALE_UP,
                        "incl. 7,000 msgs arriving in a 3 s rebalance")))),
        argumentSet(
            "trend: a group falling behind slowly waits while the time lag stays calm",
            new Case(
                plain().reactionTime(Duration.ofSeconds(60)).build(),
                20,
                4,
                List.of(
                    expect(at(0, 100, 0), 4, Reason.WARMING_UP),
                    // 2,400 arrive, 2,000 served: the time lag grows 1/6 s per s, 1 + 10 s in
                    // the next minute, under 22.5 s.
                    expect(
                        at(10, 1300, 1000),
                        4,
                        Reason.KEEPING_UP,
                        "the model asks for 6, but the time lag (1 s, growing 0.17 s/s) stays"
                            + " under 3/4 of the target for the next 60 s"),
                    // At 15 s it would pass 22.5 s within the minute: (2,400 + 10,000 / 15) /
                    // 450 = 6.8
                    expect(at(20, 2500, 2000).timeLag(15), 7, Reason.SCALE_UP)))),
        argumentSet(
            "rate limits: scale-up policies per period, select max",
            new Case(
                lagMode()
                    .scaleUp(rules(Duration.ZERO, Select.MAX, pods(4, 60), percent(100, 60)))
                    .build(),
                24,
                2,
                List.of(
                    expect(at(0, 833, 0), 6, Reason.SCALE_UP_LIMIT, "scale-up rate limit 6"),
                    expect(at(30, 933, 100), 6, Reason.SCALE_UP_LIMIT),
                    expect(at(61, 1033, 200), 12, Reason.SCALE_UP_LIMIT)))),
        argumentSet(
            "rate limits: scale-up select min takes the policy allowing the least change",
            new Case(
                lagMode()
                    .scaleUp(rules(Duration.ZERO, Select.MIN, pods(4, 60), percent(100, 60)))
                    .build(),
                24,
                2,
                List.of(expect(at(0, 833, 0), 4, Reason.SCALE_UP_LIMIT)))),
        argumentSet(
            "rate limits: scale-up disabled",
            new Case(
                lagMode().scaleUp(rules(Duration.ZERO, Select.DISABLED, pods(4, 60))).build(),
                24,
                2,
                List.of(expect(at(0, 833, 0), 2, Reason.SCALE_UP_LIMIT)))),
        argumentSet(
            "rate limits: scale-down percent per period",
            new Case(
                lagMode().scaleDown(rules(Duration.ZERO, Select.MAX, percent(50, 60))).build(),
                24,
                20,
                List.of(
                    expect(at(0, 83, 0), 10, Reason.SCALE_DOWN_LIMIT, "scale-down rate limit 10"),
                    expect(at(30, 83, 0), 10, Reason.SCALE_DOWN_LIMIT),
                    expect(at(61, 83, 0), 5, Reason.SCALE_DOWN_LIMIT)))),
        argumentSet(
            "stabilization: scale down to the highest recommendation of the window",
            new Case(
                lagMode().scaleDown(rules(Duration.ofSeconds(120), Select.MAX)).build(),
                24,
                10,
                List.of(
                    expect(at(0, 416, 0), 10, Reason.AT_TARGET),
                    expect(
                        at(30, 83, 0),
                        10,
                        Reason.SCALE_DOWN_STABILIZED,
                        "highest recommendation in the last 120 s is 10 (wanted 2)"),
                    expect(at(121, 83, 0), 2, Reason.SCALE_DOWN)))),
        argumentSet(
            "stabilization: scale up to the lowest recommendation of the window",
            new Case(
                lagMode().scaleUp(rules(Duration.ofSeconds(60), Select.MAX)).build(),
                24,
                2,
                List.of(
                    expect(at(0, 83, 0), 2, Reason.AT_TARGET),
                    expect(at(10, 516, 100), 2, Reason.SCALE_UP_STABILIZED),
                    expect(at(71, 616, 200), 10, Reason.SCALE_UP)))));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void decides(Case c) {
    DecisionState state = DecisionState.initial(c.policy());
    int current = c.initialReplicas();
    for (Expect e : c.steps()) {
      int ready = e.poll().ready() != null ? e.poll().ready() : current;
      DecisionEngine.Outcome out =
          Polls.ENGINE.decide(
              Polls.T0.plusSeconds(e.poll().decidedAt()),
              e.poll().signals(c.partitions(), current, ready),
              current,
              ready,
              c.policy(),
              state);
      Decision d = out.decision();
      assertThat(d.reason())
          .as("reason at t=%d: %s", e.poll().t(), d.explanation())
          .isEqualTo(e.reason());
      assertThat(d.replicas())
          .as("replicas at t=%d: %s", e.poll().t(), d.explanation())
          .isEqualTo(e.replicas());
      assertThat(d.explanation())
          .as("explanation at t=%d", e.poll().t())
          .contains(e.explains())
          .contains("(" + e.reason().name() + ")");
      state = out.next(true);
      current = d.replicas();
    }
  }
}
