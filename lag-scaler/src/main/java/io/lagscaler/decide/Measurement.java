package io.lagscaler.decide;

import io.lagscaler.decide.History.Offsets;
import io.lagscaler.decide.History.Sample;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.PartitionKey;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Rates measured between the previous poll and this one, and the per-replica rate learned from
 * them.
 *
 * @param arrival smoothed msgs/s produced (for sizing)
 * @param arrivalNow msgs/s produced over the last interval alone
 * @param slope smoothed change of the arrival, msgs/s per second
 * @param consumption msgs/s committed over the last interval
 * @param perReplicaRate the learned per-replica rate after this poll
 * @param rateMeasured whether {@code perReplicaRate} was ever measured
 * @param noProgress lagging partitions had no commit over a steady interval
 * @param progressSeen lagging partitions committed over a steady interval
 * @param keepsUp the group consumed at least what arrived over a steady interval
 * @param steady both polls saw the same stable, fully ready group
 * @param saturated the group was saturated over the interval: the per-replica rate was measured
 * @param shownRate the most per replica the group showed over the interval: the saturated sample,
 *     or what it consumed per member (0 when neither was measured)
 */
record Measurement(
    OptionalDouble arrival,
    OptionalDouble arrivalNow,
    double slope,
    OptionalDouble consumption,
    double perReplicaRate,
    boolean rateMeasured,
    boolean noProgress,
    boolean progressSeen,
    boolean keepsUp,
    boolean steady,
    boolean saturated,
    double shownRate) {

  /** This poll's offsets, to measure from at the next one. */
  static Sample sample(Instant now, GroupSignals.Observed o, int current, int ready) {
    Map<PartitionKey, Offsets> offsets = new HashMap<>();
    for (PartitionSignals p : o.partitions()) {
      offsets.put(
          p.partition(),
          new Offsets(p.committed().orElse(-1), p.logEnd().orElse(-1), p.lag().messagesOrZero()));
    }
    boolean clean =
        o.state() == GroupState.STABLE && current > 0 && o.members() == current && ready == current;
    return new Sample(now, offsets, o.members(), clean, o.totalLag());
  }

  /**
   * Arrival and consumption from the offsets of two consecutive polls (the tracker's 60 s averages
   * would react a minute late), and the per-replica rate learned when the group is saturated.
   */
  static Measurement of(
      Sample now,
      GroupSignals.Observed o,
      ScalingPolicy policy,
      Learned learned,
      Optional<Sample> previous) {
    Optional<Sample> prev =
        previous
            .filter(p -> p.at().isBefore(now.at()))
            .filter(p -> p.offsets().keySet().equals(now.offsets().keySet()));
    double mu = learned.perReplicaRate();
    boolean measured = learned.rateMeasured();
    if (prev.isEmpty()) {
      OptionalDouble arrival =
          learned.arrivalRate().isPresent() ? learned.arrivalRate() : o.productionRate();
      return new Measurement(
          arrival,
          o.productionRate(),
          learned.arrivalSlope(),
          o.consumptionRate(),
          mu,
          measured,
          false,
          false,
          false,
          false,
          false,
          0);
    }
    Sample p = prev.get();
    double dt = Duration.between(p.at(), now.at()).toMillis() / 1000.0;
    double produced = 0;
    double consumed = 0;
    double consumedLagging = 0;
    int lagging = 0;
    boolean producedKnown = true;
    boolean consumedKnown = true;
    for (var e : now.offsets().entrySet()) {
      Offsets a = p.offsets().get(e.getKey());
      Offsets b = e.getValue();
      if (a.logEnd() >= 0 && b.logEnd() >= a.logEnd()) {
        produced += b.logEnd() - a.logEnd();
      } else {
        producedKnown = false; // a topic recreated, or the end unknown: no rate from this pair
      }
      long delta =
          a.committed() >= 0 && b.committed() >= a.committed() ? b.committed() - a.committed() : -1;
      if (delta < 0) {
        consumedKnown = false;
        continue;
      }
      consumed += delta;
      // Behind means more waiting than a second of this partition's own arrivals: a consumer
      // that commits after each batch always leaves about that much in flight, and counting it as
      // a backlog would "measure" its capacity as the arrival rate and keep spare replicas.
      double arrivedPerSecond =
          a.logEnd() >= 0 && b.logEnd() >= a.logEnd() ? (b.logEnd() - a.logEnd()) / dt : 0;
      if (a.lag() > 0 && b.lag() > arrivedPerSecond) {
        lagging++;
        consumedLagging += delta;
      }
    }
    OptionalDouble arrivalNow =
        producedKnown ? OptionalDouble.of(produced / dt) : o.productionRate();
    OptionalDouble arrival = arrivalNow;
    double slope = learned.arrivalSlope();
    if (arrivalNow.isPresent() && learned.arrivalRate().isPresent()) {
      double old = learned.arrivalRate().getAsDouble();
      double smoothed = old + policy.arrivalSmoothing() * (arrivalNow.getAsDouble() - old);
      arrival = OptionalDouble.of(smoothed);
      slope =
          (1 - EngineConstants.SLOPE_SMOOTHING) * slope
              + EngineConstants.SLOPE_SMOOTHING * (smoothed - old) / dt;
    } else if (arrivalNow.isEmpty()) {
      arrival = learned.arrivalRate();
    }
    OptionalDouble consumption =
        consumedKnown ? OptionalDouble.of(consumed / dt) : o.consumptionRate();

    boolean steady = p.clean() && now.clean() && p.members() == now.members();
    // No commit on partitions behind at both polls; or none at all while messages arrived and
    // lag built up (a group that was caught up and stopped).
    boolean noProgress =
        steady
            && consumedKnown
            && ((lagging > 0 && consumedLagging == 0)
                || (now.totalLag() > 0 && consumed == 0 && produced > 0));
    boolean saturated = false;
    double shown = 0;
    if (steady && consumedKnown && consumedLagging > 0) {
      int partitions = now.offsets().size();
      int members = now.members();
      double sampleRate = 0;
      if (lagging == partitions) {
        // Every partition is behind: every consumer is busy, the group serves members x mu.
        sampleRate = consumed / dt / members;
      } else if (now.totalLag() >= p.totalLag() && lagging >= Counts.ceilDiv(partitions, members)) {
        // Lag grows on some partitions: those belong to the busiest consumers, which serve
        // ceil(P / members) partitions each at mu / ceil(P / members). A busy consumer is behind
        // on every partition it owns, so fewer lagging partitions than one consumer's share are a
        // hiccup (a slow batch, a GC pause), not a saturated consumer: no sample.
        sampleRate = consumedLagging / dt / lagging * Counts.ceilDiv(partitions, members);
      }
      if (sampleRate > 0) {
        mu = measured ? mu + policy.rateSmoothing() * (sampleRate - mu) : sampleRate;
        measured = true;
        saturated = true;
        shown = sampleRate;
      }
    }
    if (steady && consumption.isPresent()) {
      // Whatever the group consumes per member is a floor for what one replica can serve.
      mu = Math.max(mu, consumption.getAsDouble() / now.members());
      shown = Math.max(shown, consumption.getAsDouble() / now.members());
    }
    boolean progressSeen = steady && consumedLagging > 0;
    boolean keepsUp =
        steady
            && consumption.isPresent()
            && arrivalNow.isPresent()
            && consumption.getAsDouble()
                >= EngineConstants.KEEPS_UP_FRACTION * arrivalNow.getAsDouble();
    return new Measurement(
        arrival,
        arrivalNow,
        slope,
        consumption,
        mu,
        measured,
        noProgress,
        progressSeen,
        keepsUp,
        steady,
        saturated,
        shown);
  }
}
