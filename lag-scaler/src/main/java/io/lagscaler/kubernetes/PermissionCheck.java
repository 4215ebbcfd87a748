package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Asks the API server, at start, whether lag-scaler's service account may do everything the
 * controller does ({@code SelfSubjectAccessReview}, which any authenticated account may create), so
 * a missing RBAC rule is named at once instead of surfacing later as one failing target.
 *
 * <p>Created by {@link KubernetesClients#permissionCheck()}.
 */
public final class PermissionCheck {

  /** What the review said about one permission. */
  public enum Verdict {
    ALLOWED,
    DENIED,
    /** The review came back without a decision, or could not be made: not counted as allowed. */
    UNKNOWN
  }

  /** One permission and the review's answer; {@code detail} is the API server's reason, if any. */
  public record Finding(Permission permission, Verdict verdict, String detail) {

    @Override
    public String toString() {
      return permission
          + ": "
          + verdict.name().toLowerCase()
          + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
  }

  /** The answers for every permission asked about. */
  public record Report(List<Finding> findings) {

    public Report {
      findings = List.copyOf(findings);
    }

    /** Every permission not positively allowed (denied or undetermined). */
    public List<Finding> missing() {
      return findings.stream().filter(f -> f.verdict() != Verdict.ALLOWED).toList();
    }

    public boolean allGranted() {
      return missing().isEmpty();
    }

    /** One line per missing permission, naming verb, resource and namespace; empty when none. */
    public String message() {
      List<Finding> missing = missing();
      if (missing.isEmpty()) {
        return "";
      }
      StringBuilder text =
          new StringBuilder("lag-scaler's service account lacks ")
              .append(missing.size())
              .append(missing.size() == 1 ? " permission:" : " permissions:");
      missing.forEach(f -> text.append("\n  ").append(f));
      return text.toString();
    }
  }

  private final KubernetesClient client;

  PermissionCheck(KubernetesClient client) {
    this.client = Objects.requireNonNull(client, "client");
  }

  /**
   * Exactly what this adapter does, and nothing more: list and watch the workloads, HPAs and KEDA
   * ScaledObjects of each target namespace (the shared informers the controller reads instead of
   * polling), write replicas through {@code /scale} (and read {@code /scale} again after a
   * conflicting write), patch the workloads' annotations, write Events, hold the Lease, and read
   * and watch its own ConfigMap.
   *
   * @param ownNamespace where lag-scaler runs: its Lease and ConfigMap live there
   * @param targetNamespaces the namespaces of the configured and discovered targets
   */
  public static List<Permission> required(
      String ownNamespace, Collection<String> targetNamespaces) {
    Set<Permission> needed = new LinkedHashSet<>();
    for (String ns : new TreeSet<>(targetNamespaces)) {
      for (String workloads : List.of("deployments", "statefulsets")) {
        needed.add(new Permission("get", "apps", workloads, "scale", ns));
        needed.add(new Permission("patch", "apps", workloads, "scale", ns));
        needed.add(new Permission("list", "apps", workloads, "", ns));
        needed.add(new Permission("watch", "apps", workloads, "", ns));
        // Only metadata.annotations (lagscaler.io/last-decision) is ever patched.
        needed.add(new Permission("patch", "apps", workloads, "", ns));
      }
      for (String verb : List.of("list", "watch")) {
        needed.add(new Permission(verb, "autoscaling", "horizontalpodautoscalers", "", ns));
        needed.add(new Permission(verb, "keda.sh", "scaledobjects", "", ns));
      }
      needed.add(new Permission("create", "events.k8s.io", "events", "", ns));
    }
    for (String verb : List.of("get", "create", "update")) {
      needed.add(new Permission(verb, "coordination.k8s.io", "leases", "", ownNamespace));
    }
    for (String verb : List.of("get", "list", "watch")) {
      needed.add(new Permission(verb, "", "configmaps", "", ownNamespace));
    }
    needed.add(new Permission("create", "events.k8s.io", "events", "", ownNamespace));
    return List.copyOf(needed);
  }

  /** Reviews each permission; never throws for a failed review, which becomes {@code UNKNOWN}. */
  public Report check(Collection<Permission> permissions) {
    List<Finding> findings = new ArrayList<>();
    for (Permission permission : permissions) {
      findings.add(review(permission));
    }
    return new Report(findings);
  }

  private Finding review(Permission p) {
    SelfSubjectAccessReview request =
        new SelfSubjectAccessReviewBuilder()
            .withNewSpec()
            .withNewResourceAttributes()
            .withVerb(p.verb())
            .withGroup(p.group())
            .withResource(p.resource())
            .withSubresource(p.subresource())
            .withNamespace(p.namespace())
            .endResourceAttributes()
            .endSpec()
            .build();
    SelfSubjectAccessReview answer;
    try {
      answer = client.authorization().v1().selfSubjectAccessReview().create(request);
    } catch (KubernetesClientException e) {
      return new Finding(
          p, Verdict.UNKNOWN, "the review failed: HTTP " + e.getCode() + " " + e.getMessage());
    }
    SubjectAccessReviewStatus status = answer == null ? null : answer.getStatus();
    if (status == null || status.getAllowed() == null) {
      // An authorizer always answers; a review without one proves nothing either way.
      return new Finding(p, Verdict.UNKNOWN, "the API server returned no decision");
    }
    String detail = Objects.requireNonNullElse(status.getReason(), "");
    if (status.getEvaluationError() != null && !status.getEvaluationError().isEmpty()) {
      detail = (detail.isEmpty() ? "" : detail + "; ") + status.getEvaluationError();
    }
    if (Boolean.TRUE.equals(status.getAllowed()) && !Boolean.TRUE.equals(status.getDenied())) {
      return new Finding(p, Verdict.ALLOWED, detail);
    }
    return new Finding(p, Verdict.DENIED, detail);
  }
}
