package io.lagscaler.act;

/**
 * Reads and sets a workload's replicas. The Kubernetes implementation goes only through the {@code
 * /scale} subresource; a local implementation runs processes. The controller loop is the same for
 * both.
 */
public interface Scaler {

  /** The workload's replicas and annotations now. */
  ScaleState read(WorkloadRef workload) throws ScalerException;

  /**
   * Sets the desired replicas, with optimistic concurrency: a conflicting write is re-read and
   * retried, never blindly overwritten.
   */
  void scale(WorkloadRef workload, int replicas) throws ScalerException;
}
