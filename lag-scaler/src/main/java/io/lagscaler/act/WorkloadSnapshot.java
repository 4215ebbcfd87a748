package io.lagscaler.act;

import java.util.Map;
import java.util.Objects;

/**
 * A workload as the cache knows it, for finding targets by annotation.
 *
 * @param labels every label (the discovery selector matches them)
 * @param annotations the {@code lagscaler.io/*} annotations only
 */
public record WorkloadSnapshot(
    WorkloadRef ref, Map<String, String> labels, Map<String, String> annotations) {

  public WorkloadSnapshot {
    Objects.requireNonNull(ref, "ref");
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
  }
}
