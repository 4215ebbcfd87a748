package io.lagscaler.decide;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * How one target scales. Every field has a default ({@link #DEFAULTS}); docs/decisions.md lists
 * them with the reasons behind each value.
 *
 * @param mode RATE (default): size from arrival rate, backlog and the measured per-replica rate;
 *     LAG: KEDA's {@code lagThreshold} meaning, replicas = ceil(total lag / lagPerReplica)
 * @param lagPerReplica LAG mode: messages of lag one replica is meant to carry (KEDA default 10)
 * @param targetLag the time-lag target; RATE mode drains the backlog within it
 * @param targetUtilization RATE mode: the fraction of a replica's measured rate to plan for
 * @param standingLagShare RATE mode: the share of the target the time lag may hold standing (less
 *     one rebalance pause): a group consuming as fast as messages arrive keeps its time lag, so
 *     only the backlog beyond it is drained within the time left; 0 drains every backlog
 * @param priorReplicaRate RATE mode: msgs/s one replica is assumed to serve until measured
 * @param rateSmoothing weight of a new per-replica rate measurement in its moving average
 * @param arrivalSmoothing weight of a new arrival-rate measurement in its moving average
 * @param minReplicas the floor while the target is awake
 * @param maxReplicas the ceiling (the partition count caps it too)
 * @param scaleToZero whether an idle group may go to zero replicas
 * @param activationLag at zero, the lag (messages) above which the group wakes
 * @param idlePeriod no lag and no production for this long before scaling to zero
 * @param evenDistribution prefer the smallest count with the same partitions per consumer
 * @param tolerance changes within this fraction of the current count are ignored
 * @param scaleUp HPA-style scale-up behavior (stabilization window, rate policies)
 * @param scaleDown HPA-style scale-down behavior
 * @param settleTime hold this long after each change (the rebalance and the rates settle)
 * @param maxScaleEventsPerHour the budget of changes (each one is a rebalance)
 * @param stepAhead RATE mode: when arrival keeps rising, size for the arrival this far ahead
 * @param expectedRebalance RATE mode: the pause each change costs the group, until measured
 * @param reactionTime how long a scale-up takes to help (pod start, rebalance); a group falling
 *     behind slowly enough to stay calm for this long gets no replicas yet
 * @param maxSignalAge signals older than this at decision time count as unknown data
 * @param fallbackReplicas the count after {@code failuresBeforeFallback} failed polls; empty holds
 * @param failuresBeforeFallback consecutive failed polls before the fallback applies
 */
public record ScalingPolicy(
    Mode mode,
    long lagPerReplica,
    Duration targetLag,
    double targetUtilization,
    double standingLagShare,
    double priorReplicaRate,
    double rateSmoothing,
    double arrivalSmoothing,
    int minReplicas,
    int maxReplicas,
    boolean scaleToZero,
    long activationLag,
    Duration idlePeriod,
    boolean evenDistribution,
    double tolerance,
    ScalingRules scaleUp,
    ScalingRules scaleDown,
    Duration settleTime,
    int maxScaleEventsPerHour,
    Duration stepAhead,
    Duration expectedRebalance,
    Duration reactionTime,
    Duration maxSignalAge,
    OptionalInt fallbackReplicas,
    int failuresBeforeFallback) {

  /** How the replica count is computed. */
  public enum Mode {
    RATE,
    LAG
  }

  /** HPA rate-limit policy type. */
  public enum PolicyType {
    PODS,
    PERCENT
  }

  /** HPA selectPolicy: the policy allowing the most change, the least, or no change at all. */
  public enum Select {
    MAX,
    MIN,
    DISABLED
  }

  /** At most {@code value} pods (or percent) of change per {@code period}. */
  public record RatePolicy(PolicyType type, int value, Duration period) {
    public RatePolicy {
      Objects.requireNonNull(type, "type");
      if (value <= 0) {
        throw new IllegalArgumentException("rate policy value must be > 0, was " + value);
      }
      if (period.isNegative() || period.isZero()) {
        throw new IllegalArgumentException("rate policy period must be > 0, was " + period);
      }
    }
  }

  /** HPA HPAScalingRules: one direction's stabilization window and rate policies. */
  public record ScalingRules(
      Duration stabilizationWindow, Select select, List<RatePolicy> policies) {
    public ScalingRules {
      if (stabilizationWindow.isNegative()) {
        throw new IllegalArgumentException(
            "stabilizationWindow must be >= 0, was " + stabilizationWindow);
      }
      Objects.requireNonNull(select, "select");
      policies = List.copyOf(policies);
    }

    Duration longestPeriod() {
      return policies.stream()
          .map(RatePolicy::period)
          .max(Duration::compareTo)
          .orElse(Duration.ZERO);
    }
  }

  /**
   * The defaults. Scale up in one step to what the rate model asks (10x or 20 pods per minute,
   * whichever is more; no stabilization: the model already smooths); scale down after 120 s of
   * lower recommendations, in one step; 30 s of settling after a change; at most 12 changes an
   * hour.
   */
  public static final ScalingPolicy DEFAULTS =
      new ScalingPolicy(
          Mode.RATE,
          10,
          Duration.ofSeconds(30),
          0.9,
          0.75,
          100,
          0.3,
          0.5,
          1,
          10,
          false,
          0,
          Duration.ofSeconds(300),
          true,
          0.1,
          new ScalingRules(
              Duration.ZERO,
              Select.MAX,
              List.of(
                  new RatePolicy(PolicyType.PERCENT, 1000, Duration.ofSeconds(60)),
                  new RatePolicy(PolicyType.PODS, 20, Duration.ofSeconds(60)))),
          new ScalingRules(
              Duration.ofSeconds(120),
              Select.MAX,
              List.of(new RatePolicy(PolicyType.PERCENT, 100, Duration.ofSeconds(15)))),
          Duration.ofSeconds(30),
          12,
          Duration.ofSeconds(60),
          Duration.ofSeconds(10),
          Duration.ofSeconds(60),
          Duration.ofSeconds(60),
          OptionalInt.empty(),
          3);

  public ScalingPolicy {
    List<String> errors = new ArrayList<>();
    if (mode == null) {
      errors.add("mode must be set");
    }
    if (lagPerReplica <= 0) {
      errors.add("lagPerReplica must be > 0, was " + lagPerReplica);
    }
    if (targetLag == null || targetLag.isNegative() || targetLag.isZero()) {
      errors.add("targetLag must be > 0, was " + targetLag);
    }
    if (!(targetUtilization > 0 && targetUtilization <= 1)) {
      errors.add("targetUtilization must be in (0, 1], was " + targetUtilization);
    }
    if (!(standingLagShare >= 0 && standingLagShare < 1)) {
      errors.add("standingLagShare must be in [0, 1), was " + standingLagShare);
    }
    if (!(priorReplicaRate > 0)) {
      errors.add("priorReplicaRate must be > 0, was " + priorReplicaRate);
    }
    if (!(rateSmoothing > 0 && rateSmoothing <= 1)) {
      errors.add("rateSmoothing must be in (0, 1], was " + rateSmoothing);
    }
    if (!(arrivalSmoothing > 0 && arrivalSmoothing <= 1)) {
      errors.add("arrivalSmoothing must be in (0, 1], was " + arrivalSmoothing);
    }
    if (minReplicas < 0) {
      errors.add("minReplicas must be >= 0, was " + minReplicas);
    }
    if (maxReplicas < 1 || maxReplicas < minReplicas) {
      errors.add(
          "maxReplicas must be >= 1 and >= minReplicas (" + minReplicas + "), was " + maxReplicas);
    }
    if (minReplicas == 0 && !scaleToZero) {
      errors.add("minReplicas 0 contradicts scaleToZero false: set minReplicas >= 1 or allow it");
    }
    if (activationLag < 0) {
      errors.add("activationLag must be >= 0, was " + activationLag);
    }
    if (idlePeriod == null || idlePeriod.isNegative()) {
      errors.add("idlePeriod must be >= 0, was " + idlePeriod);
    }
    if (!(tolerance >= 0 && tolerance < 1)) {
      errors.add("tolerance must be in [0, 1), was " + tolerance);
    }
    if (scaleUp == null || scaleDown == null) {
      errors.add("scaleUp and scaleDown must be set");
    }
    if (settleTime == null || settleTime.isNegative()) {
      errors.add("settleTime must be >= 0, was " + settleTime);
    }
    if (maxScaleEventsPerHour < 1) {
      errors.add("maxScaleEventsPerHour must be >= 1, was " + maxScaleEventsPerHour);
    }
    if (stepAhead == null || stepAhead.isNegative()) {
      errors.add("stepAhead must be >= 0, was " + stepAhead);
    }
    if (expectedRebalance == null || expectedRebalance.isNegative()) {
      errors.add("expectedRebalance must be >= 0, was " + expectedRebalance);
    }
    if (reactionTime == null || reactionTime.isNegative()) {
      errors.add("reactionTime must be >= 0, was " + reactionTime);
    }
    if (maxSignalAge == null || maxSignalAge.isNegative() || maxSignalAge.isZero()) {
      errors.add("maxSignalAge must be > 0, was " + maxSignalAge);
    }
    if (fallbackReplicas == null) {
      errors.add("fallbackReplicas must be set (empty to hold)");
    } else if (fallbackReplicas.isPresent()
        && (fallbackReplicas.getAsInt() < Math.max(1, minReplicas)
            || fallbackReplicas.getAsInt() > maxReplicas)) {
      // Missing data must never scale to zero, so a fallback of 0 is refused.
      errors.add(
          "fallbackReplicas must be in [max(1, minReplicas ("
              + minReplicas
              + ")), maxReplicas ("
              + maxReplicas
              + ")], was "
              + fallbackReplicas.getAsInt());
    }
    if (failuresBeforeFallback < 1) {
      errors.add("failuresBeforeFallback must be >= 1, was " + failuresBeforeFallback);
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid scaling policy: " + String.join("; ", errors));
    }
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** Changes a few fields of a policy; validation happens once, in {@link #build()}. */
  public static final class Builder {
    private Mode mode;
    private long lagPerReplica;
    private Duration targetLag;
    private double targetUtilization;
    private double standingLagShare;
    private double priorReplicaRate;
    private double rateSmoothing;
    private double arrivalSmoothing;
    private int minReplicas;
    private int maxReplicas;
    private boolean scaleToZero;
    private long activationLag;
    private Duration idlePeriod;
    private boolean evenDistribution;
    private double tolerance;
    private ScalingRules scaleUp;
    private ScalingRules scaleDown;
    private Duration settleTime;
    private int maxScaleEventsPerHour;
    private Duration stepAhead;
    private Duration expectedRebalance;
    private Duration reactionTime;
    private Duration maxSignalAge;
    private OptionalInt fallbackReplicas;
    private int failuresBeforeFallback;

    private Builder(ScalingPolicy p) {
      mode = p.mode;
      lagPerReplica = p.lagPerReplica;
      targetLag = p.targetLag;
      targetUtilization = p.targetUtilization;
      standingLagShare = p.standingLagShare;
      priorReplicaRate = p.priorReplicaRate;
      rateSmoothing = p.rateSmoothing;
      arrivalSmoothing = p.arrivalSmoothing;
      minReplicas = p.minReplicas;
      maxReplicas = p.maxReplicas;
      scaleToZero = p.scaleToZero;
      activationLag = p.activationLag;
      idlePeriod = p.idlePeriod;
      evenDistribution = p.evenDistribution;
      tolerance = p.tolerance;
      scaleUp = p.scaleUp;
      scaleDown = p.scaleDown;
      settleTime = p.settleTime;
      maxScaleEventsPerHour = p.maxScaleEventsPerHour;
      stepAhead = p.stepAhead;
      expectedRebalance = p.expectedRebalance;
      reactionTime = p.reactionTime;
      maxSignalAge = p.maxSignalAge;
      fallbackReplicas = p.fallbackReplicas;
      failuresBeforeFallback = p.failuresBeforeFallback;
    }

    public Builder mode(Mode v) {
      mode = v;
      return this;
    }

    public Builder lagPerReplica(long v) {
      lagPerReplica = v;
      return this;
    }

    public Builder targetLag(Duration v) {
      targetLag = v;
      return this;
    }

    public Builder targetUtilization(double v) {
      targetUtilization = v;
      return this;
    }

    public Builder standingLagShare(double v) {
      standingLagShare = v;
      return this;
    }

    public Builder priorReplicaRate(double v) {
      priorReplicaRate = v;
      return this;
    }

    public Builder rateSmoothing(double v) {
      rateSmoothing = v;
      return this;
    }

    public Builder arrivalSmoothing(double v) {
      arrivalSmoothing = v;
      return this;
    }

    public Builder minReplicas(int v) {
      minReplicas = v;
      return this;
    }

    public Builder maxReplicas(int v) {
      maxReplicas = v;
      return this;
    }

    public Builder scaleToZero(boolean v) {
      scaleToZero = v;
      return this;
    }

    public Builder activationLag(long v) {
      activationLag = v;
      return this;
    }

    public Builder idlePeriod(Duration v) {
      idlePeriod = v;
      return this;
    }

    public Builder evenDistribution(boolean v) {
      evenDistribution = v;
      return this;
    }

    public Builder tolerance(double v) {
      tolerance = v;
      return this;
    }

    public Builder scaleUp(ScalingRules v) {
      scaleUp = v;
      return this;
    }

    public Builder scaleDown(ScalingRules v) {
      scaleDown = v;
      return this;
    }

    public Builder settleTime(Duration v) {
      settleTime = v;
      return this;
    }

    public Builder maxScaleEventsPerHour(int v) {
      maxScaleEventsPerHour = v;
      return this;
    }

    public Builder stepAhead(Duration v) {
      stepAhead = v;
      return this;
    }

    public Builder expectedRebalance(Duration v) {
      expectedRebalance = v;
      return this;
    }

    public Builder reactionTime(Duration v) {
      reactionTime = v;
      return this;
    }

    public Builder maxSignalAge(Duration v) {
      maxSignalAge = v;
      return this;
    }

    public Builder fallbackReplicas(OptionalInt v) {
      fallbackReplicas = v;
      return this;
    }

    public Builder failuresBeforeFallback(int v) {
      failuresBeforeFallback = v;
      return this;
    }

    public ScalingPolicy build() {
      return new ScalingPolicy(
          mode,
          lagPerReplica,
          targetLag,
          targetUtilization,
          standingLagShare,
          priorReplicaRate,
          rateSmoothing,
          arrivalSmoothing,
          minReplicas,
          maxReplicas,
          scaleToZero,
          activationLag,
          idlePeriod,
          evenDistribution,
          tolerance,
          scaleUp,
          scaleDown,
          settleTime,
          maxScaleEventsPerHour,
          stepAhead,
          expectedRebalance,
          reactionTime,
          maxSignalAge,
          fallbackReplicas,
          failuresBeforeFallback);
    }
  }
}
