package io.lagscaler.loadtest.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Which member owns which partition after a rebalance, as Kafka's assignors decide it for one
 * topic. Both balance partition counts, never load: that is why a hot partition makes its owner the
 * group's bottleneck.
 */
final class Assignor {

  /** No owner: the group has no members. */
  static final int NONE = -1;

  private Assignor() {}

  /**
   * The RangeAssignor (the classic protocol's default): members sorted by id take contiguous
   * ranges, the first {@code partitions % members} one partition more.
   *
   * @param members member ids, sorted
   * @return the owner of each partition
   */
  static int[] range(List<Integer> members, int partitions) {
    int[] owner = new int[partitions];
    Arrays.fill(owner, NONE);
    int m = members.size();
    if (m == 0) {
      return owner;
    }
    int each = partitions / m;
    int extra = partitions % m;
    int p = 0;
    for (int j = 0; j < m; j++) {
      int count = each + (j < extra ? 1 : 0);
      for (int k = 0; k < count; k++) {
        owner[p++] = members.get(j);
      }
    }
    return owner;
  }

  /**
   * The CooperativeStickyAssignor: counts balanced to within one, and as few partitions moved as
   * that allows. Members that keep the most partitions keep the larger quotas; partitions of
   * members that left, and those over a quota, go to the members furthest below theirs.
   *
   * @param previous the owner of each partition before
   * @param members member ids now, sorted
   */
  static int[] sticky(int[] previous, List<Integer> members, int partitions) {
    int[] owner = new int[partitions];
    Arrays.fill(owner, NONE);
    int m = members.size();
    if (m == 0) {
      return owner;
    }
    List<List<Integer>> held = new ArrayList<>();
    for (int id : members) {
      List<Integer> mine = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        if (previous[p] == id) {
          mine.add(p);
        }
      }
      held.add(mine);
    }
    // The larger quotas go to the members already holding the most, ties to the lower id.
    Integer[] order = new Integer[m];
    for (int j = 0; j < m; j++) {
      order[j] = j;
    }
    Arrays.sort(order, Comparator.comparingInt((Integer j) -> -held.get(j).size()));
    int[] quota = new int[m];
    for (int rank = 0; rank < m; rank++) {
      quota[order[rank]] = partitions / m + (rank < partitions % m ? 1 : 0);
    }
    int[] count = new int[m];
    for (int j = 0; j < m; j++) {
      for (int p : held.get(j)) {
        if (count[j] < quota[j]) {
          owner[p] = members.get(j);
          count[j]++;
        }
      }
    }
    for (int p = 0; p < partitions; p++) {
      if (owner[p] != NONE) {
        continue;
      }
      int to = -1;
      for (int j = 0; j < m; j++) {
        if (count[j] < quota[j] && (to < 0 || quota[j] - count[j] > quota[to] - count[to])) {
          to = j;
        }
      }
      owner[p] = members.get(to);
      count[to]++;
    }
    return owner;
  }
}
