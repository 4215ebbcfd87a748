package io.lagscaler.act;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and sets a workload's replicas. The Kubernetes implementation goes only through the {@code
 * /scale} subresource; a local implementation runs processes. The controller loop is the same for
 * both.
 */
public interface Scaler {

  /**
   * The namespaces whose workloads will be read and listed from now on. A cache-backed scaler
   * starts watching the new ones (and stops watching the others) here, so a poll reads memory, not
   * the API server. Called when a config applies; the default (a scaler that reads on demand) does
   * nothing.
   */
  default void follow(Set<String> namespaces) {}

  /**
   * Every workload of a followed namespace, with its labels and annotations, for finding targets by
   * annotation. Empty when what the namespace holds is not known now (not followed, its cache not
   * synced, or its watch broken): unknown, never "no workloads".
   */
  default Optional<List<WorkloadSnapshot>> workloads(String namespace) {
    return Optional.empty();
  }

  /** The workload's replicas and annotations now. */
  ScaleState read(WorkloadRef workload) throws ScalerException;

  /**
   * Sets the desired replicas, with optimistic concurrency: a conflicting write is re-read and
   * retried, never blindly overwritten.
   */
  void scale(WorkloadRef workload, int replicas) throws ScalerException;
}
