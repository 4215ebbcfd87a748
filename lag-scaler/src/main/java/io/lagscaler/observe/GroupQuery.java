package io.lagscaler.observe;

import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What to read for one consumer group.
 *
 * @param group the consumer group id
 * @param topics the topics to measure; empty means every topic the group has committed to
 * @param isolation the consumers' isolation level
 * @param offsetReset the consumers' {@code auto.offset.reset}: how a partition without a commit
 *     counts (the reader ignores it; signals use it)
 */
public record GroupQuery(
    String group, SortedSet<String> topics, Isolation isolation, OffsetReset offsetReset) {

  public GroupQuery {
    if (group == null || group.isBlank()) {
      throw new IllegalArgumentException("group must not be blank");
    }
    topics = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(topics));
    Objects.requireNonNull(isolation, "isolation");
    Objects.requireNonNull(offsetReset, "offsetReset");
  }

  /**
   * A query for every topic the group has committed to, read uncommitted, reset latest (Kafka's
   * consumer defaults).
   */
  public static GroupQuery of(String group) {
    return of(group, Set.of());
  }

  /** A query for these topics with Kafka's consumer defaults. */
  public static GroupQuery of(String group, Set<String> topics) {
    return new GroupQuery(
        group, new TreeSet<>(topics), Isolation.READ_UNCOMMITTED, OffsetReset.LATEST);
  }
}
