package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadRef;
import java.net.HttpURLConnection;

/** Turns fabric8's exceptions into {@link ScalerException}s that name what was attempted. */
final class ApiErrors {

  private ApiErrors() {}

  /**
   * @param verb the RBAC verb of the failed call ({@code get}, {@code patch}...)
   * @param resource the RBAC resource, with group and subresource ({@code deployments/scale
   *     (apps)})
   */
  static ScalerException map(
      KubernetesClientException e, WorkloadRef workload, String verb, String resource) {
    return map(e, workload.toString(), workload.namespace(), verb, resource);
  }

  /**
   * @param subject the object the call was about, for people ({@code ConfigMap ns/name})
   */
  static ScalerException map(
      KubernetesClientException e, String subject, String namespace, String verb, String resource) {
    String attempt = verb + " " + resource + " in namespace " + namespace;
    return switch (e.getCode()) {
      case HttpURLConnection.HTTP_NOT_FOUND ->
          new ScalerException(ScalerException.Kind.NOT_FOUND, subject + " not found", e);
      case HttpURLConnection.HTTP_FORBIDDEN ->
          new ScalerException(
              ScalerException.Kind.FORBIDDEN,
              "forbidden: " + attempt + " (grant this verb to lag-scaler's service account)",
              e);
      case HttpURLConnection.HTTP_CONFLICT ->
          new ScalerException(
              ScalerException.Kind.CONFLICT, "conflict: " + attempt + " for " + subject, e);
      // Code 0 or -1: no HTTP response at all (connection refused, timeout, TLS).
      default ->
          new ScalerException(
              ScalerException.Kind.API_ERROR,
              attempt
                  + " for "
                  + subject
                  + " failed: "
                  + (e.getCode() <= 0
                      ? "no response from the API server: "
                      : "HTTP " + e.getCode() + ": ")
                  + e.getMessage(),
              e);
    };
  }
}
