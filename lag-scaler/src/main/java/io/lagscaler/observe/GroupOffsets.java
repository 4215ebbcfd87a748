package io.lagscaler.observe;

import java.util.List;

/** One poll's reading of one consumer group: either read, or failed with the reason. */
public sealed interface GroupOffsets {

  String group();

  /**
   * The group was read.
   *
   * @param partitions every partition of the group's topics, including those without a commit
   */
  record Read(
      String group,
      GroupState state,
      int members,
      GroupProtocol protocol,
      List<PartitionOffsets> partitions)
      implements GroupOffsets {
    public Read {
      partitions = List.copyOf(partitions);
    }
  }

  /** The group could not be read this poll (timeout, coordinator unavailable...). */
  record Failed(String group, String error) implements GroupOffsets {}
}
