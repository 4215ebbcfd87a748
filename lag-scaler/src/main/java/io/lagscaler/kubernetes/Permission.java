package io.lagscaler.kubernetes;

import java.util.Objects;

/**
 * One RBAC permission lag-scaler needs, as a {@code SelfSubjectAccessReview} asks about it.
 *
 * @param group the API group ({@code ""} for the core group)
 * @param subresource empty for the resource itself
 */
public record Permission(
    String verb, String group, String resource, String subresource, String namespace) {

  public Permission {
    Objects.requireNonNull(verb, "verb");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(subresource, "subresource");
    Objects.requireNonNull(namespace, "namespace");
  }

  /** For people and logs: {@code patch deployments/scale (apps) in namespace shop}. */
  @Override
  public String toString() {
    return verb
        + " "
        + resource
        + (subresource.isEmpty() ? "" : "/" + subresource)
        + (group.isEmpty() ? "" : " (" + group + ")")
        + " in namespace "
        + namespace;
  }
}
