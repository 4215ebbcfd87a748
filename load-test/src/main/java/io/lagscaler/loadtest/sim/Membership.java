package io.lagscaler.loadtest.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Who consumes what: the group's pods (starting, waiting for a node, or ready), its members (the
 * ready pods), which member owns each partition, and until when each partition is paused by a
 * rebalance. A change of members is a rebalance: eager assigns by range and pauses every partition;
 * cooperative assigns stickily and pauses only the partitions that move.
 */
final class Membership {

  /** A pod: its id (members are sorted by it) and when it is ready. */
  private record Pod(int id, int readyAt) {}

  private final Scenario s;
  private final Optional<NodePool> nodes;
  private final List<Pod> pods = new ArrayList<>();
  private final int[] pausedUntil;
  private int nextId;
  private List<Integer> members;
  private int[] owner;
  private int[][] owned;

  /** The initial replicas, already assigned and consuming: no rebalance at the start. */
  Membership(Scenario s) {
    this.s = s;
    this.nodes = s.nodes().map(n -> new NodePool(n, s.initialReplicas()));
    this.pausedUntil = new int[s.partitions()];
    for (int i = 0; i < s.initialReplicas(); i++) {
      pods.add(new Pod(nextId++, 0));
    }
    members = readyIds(0);
    int[] none = new int[s.partitions()];
    java.util.Arrays.fill(none, Assignor.NONE);
    assign(
        s.rebalance() == Scenario.Rebalance.EAGER
            ? Assignor.range(members, s.partitions())
            : Assignor.sticky(none, members, s.partitions()));
  }

  /** The replica count (the /scale spec): every pod, ready or not. */
  int replicas() {
    return pods.size();
  }

  int ready(int t) {
    int n = 0;
    for (Pod pod : pods) {
      if (pod.readyAt() <= t) {
        n++;
      }
    }
    return n;
  }

  int members() {
    return members.size();
  }

  /** Each member's partitions, in member order. */
  int[][] owned() {
    return owned;
  }

  int[] pausedUntil() {
    return pausedUntil;
  }

  boolean paused(int t) {
    for (int until : pausedUntil) {
      if (t < until) {
        return true;
      }
    }
    return false;
  }

  /**
   * Second {@code t}: the policy's count applied (pods added start once their node is ready; the
   * youngest go first, pending before ready), the node pool settled, and a rebalance if the members
   * changed.
   */
  void scale(int target, int t) {
    boolean shrank = target < pods.size();
    while (pods.size() < target) {
      int index = pods.size();
      int nodeReady = nodes.map(n -> n.placePod(index, t)).orElse(t);
      pods.add(new Pod(nextId++, Math.max(t, nodeReady) + s.podStartSeconds()));
    }
    while (pods.size() > target) {
      int youngest = 0;
      for (int i = 1; i < pods.size(); i++) {
        if (pods.get(i).readyAt() >= pods.get(youngest).readyAt()) {
          youngest = i;
        }
      }
      pods.remove(youngest);
    }
    nodes.ifPresent(n -> n.settle(pods.size(), t));
    // Membership changes only when a pod was removed or one becomes ready now.
    List<Integer> joined = shrank || anyReadyAt(t) ? readyIds(t) : members;
    if (joined.equals(members)) {
      return;
    }
    int[] next =
        s.rebalance() == Scenario.Rebalance.EAGER
            ? Assignor.range(joined, s.partitions())
            : Assignor.sticky(owner, joined, s.partitions());
    for (int i = 0; i < next.length; i++) {
      // A new rebalance restarts the pause of what it stops.
      if (s.rebalance() == Scenario.Rebalance.EAGER || next[i] != owner[i]) {
        pausedUntil[i] = t + s.rebalanceSeconds();
      }
    }
    members = joined;
    assign(next);
  }

  private void assign(int[] next) {
    owner = next;
    owned = new int[members.size()][];
    for (int j = 0; j < members.size(); j++) {
      int id = members.get(j);
      owned[j] =
          java.util.stream.IntStream.range(0, owner.length).filter(i -> owner[i] == id).toArray();
    }
  }

  private boolean anyReadyAt(int t) {
    for (Pod pod : pods) {
      if (pod.readyAt() == t) {
        return true;
      }
    }
    return false;
  }

  private List<Integer> readyIds(int t) {
    List<Integer> ids = new ArrayList<>();
    for (Pod pod : pods) {
      if (pod.readyAt() <= t) {
        ids.add(pod.id());
      }
    }
    ids.sort(null);
    return ids;
  }
}
