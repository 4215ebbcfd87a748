package io.lagscaler.act;

import java.util.Objects;

/** A workload whose replicas lag-scaler sets: namespace, kind and name. */
public record WorkloadRef(String namespace, WorkloadKind kind, String name) {

  public WorkloadRef {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return kind.displayName() + " " + namespace + "/" + name;
  }
}
