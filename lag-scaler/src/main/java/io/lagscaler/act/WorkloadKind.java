package io.lagscaler.act;

/** The kinds of workload lag-scaler scales, each through its {@code /scale} subresource. */
public enum WorkloadKind {
  DEPLOYMENT("Deployment", "apps/v1"),
  STATEFUL_SET("StatefulSet", "apps/v1");

  private final String displayName;
  private final String apiVersion;

  WorkloadKind(String displayName, String apiVersion) {
    this.displayName = displayName;
    this.apiVersion = apiVersion;
  }

  /** The Kubernetes kind, as written in manifests and in the config ({@code Deployment}). */
  public String displayName() {
    return displayName;
  }

  public String apiVersion() {
    return apiVersion;
  }

  /** The kind for a manifest's {@code kind} value; empty when lag-scaler does not scale it. */
  public static java.util.Optional<WorkloadKind> ofKind(String kind) {
    for (WorkloadKind k : values()) {
      if (k.displayName.equals(kind)) {
        return java.util.Optional.of(k);
      }
    }
    return java.util.Optional.empty();
  }
}
