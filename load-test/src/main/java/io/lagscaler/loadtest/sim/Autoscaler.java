package io.lagscaler.loadtest.sim;

import io.lagscaler.observe.GroupOffsets;
import java.util.function.Supplier;

/** A scaling policy under simulation: it sees the group only through the offsets it polls. */
public interface Autoscaler {

  /** {@code lag-scaler} or {@code keda}. */
  String name();

  /**
   * Called at the start of every simulated second.
   *
   * @param read the group's offsets now, read only if the policy polls this second
   * @param replicas replicas the target runs (the /scale spec)
   * @param ready of those, how many are ready
   */
  Action tick(int t, Supplier<GroupOffsets.Read> read, int replicas, int ready);

  /** A policy that runs {@code replicas} from the first second on and never changes them. */
  static Autoscaler holding(int replicas, String name) {
    return new Autoscaler() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Action tick(int t, Supplier<GroupOffsets.Read> read, int current, int ready) {
        return new Action(replicas, "HOLD");
      }
    };
  }

  /** The count to run from now on, and why (the policy's own words). */
  record Action(int replicas, String reason) {}
}
