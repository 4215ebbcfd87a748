package io.lagscaler.loadtest.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * The nodes the group's pods run on, behind a cluster autoscaler. Pods fill nodes in the order the
 * nodes became (or will become) ready; a pod with no free slot asks for a new node, ready {@code
 * nodeStartSeconds} later. A node left empty beyond the spare ones for the cluster autoscaler's
 * {@code scale-down-unneeded-time} (10 min by default) is removed.
 */
final class NodePool {

  /** cluster-autoscaler's default --scale-down-unneeded-time. */
  static final int UNNEEDED_SECONDS = 600;

  private final Scenario.Nodes nodes;
  private final List<Integer> readyAt = new ArrayList<>(); // sorted: nodes are added in time order
  private int unneededSince = -1;

  NodePool(Scenario.Nodes nodes, int initialPods) {
    this.nodes = nodes;
    int initial = ceilDiv(initialPods, nodes.podsPerNode()) + nodes.spareNodes();
    for (int i = 0; i < initial; i++) {
      readyAt.add(0);
    }
  }

  /**
   * When the node of the pod that becomes the {@code index}-th (0-based) is ready, asking for a new
   * node at {@code t} when every slot is taken.
   */
  int placePod(int index, int t) {
    int node = index / nodes.podsPerNode();
    while (readyAt.size() <= node) {
      readyAt.add(t + nodes.nodeStartSeconds());
    }
    return readyAt.get(node);
  }

  /** Removes nodes that stayed empty beyond the spare ones for {@link #UNNEEDED_SECONDS}. */
  void settle(int pods, int t) {
    int wanted = ceilDiv(pods, nodes.podsPerNode()) + nodes.spareNodes();
    if (readyAt.size() <= wanted) {
      unneededSince = -1;
      return;
    }
    if (unneededSince < 0) {
      unneededSince = t;
    } else if (t - unneededSince >= UNNEEDED_SECONDS) {
      while (readyAt.size() > wanted) {
        readyAt.removeLast(); // the newest (possibly still starting) nodes go first
      }
      unneededSince = -1;
    }
  }

  int size() {
    return readyAt.size();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
