package io.lagscaler.act;

import java.util.List;
import java.util.Map;

/**
 * A workload's replicas as the act step reads them.
 *
 * @param desired the replicas asked for ({@code /scale} spec)
 * @param current the replicas that exist ({@code /scale} status)
 * @param ready the replicas ready to consume
 * @param annotations the workload's {@code lagscaler.io/*} annotations
 * @param competingAutoscalers other autoscalers that target this workload (an HPA, a KEDA
 *     ScaledObject), each described for people ({@code HorizontalPodAutoscaler shop/orders}); lag
 *     -scaler refuses to fight them
 */
public record ScaleState(
    int desired,
    int current,
    int ready,
    Map<String, String> annotations,
    List<String> competingAutoscalers) {

  /** Annotation that holds a workload at its current replicas. */
  public static final String PAUSED_ANNOTATION = "lagscaler.io/paused";

  /** Annotation where the controller writes its last decision. */
  public static final String LAST_DECISION_ANNOTATION = "lagscaler.io/last-decision";

  public ScaleState {
    annotations = Map.copyOf(annotations);
    competingAutoscalers = List.copyOf(competingAutoscalers);
  }

  public boolean paused() {
    return "true".equalsIgnoreCase(annotations.getOrDefault(PAUSED_ANNOTATION, "false").trim());
  }
}
