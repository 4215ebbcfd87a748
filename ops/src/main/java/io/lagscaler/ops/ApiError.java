package io.lagscaler.ops;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** A Kubernetes API failure in one line for people: the HTTP code and the server's message. */
final class ApiError {

  private ApiError() {}

  static String describe(KubernetesClientException e) {
    String message =
        e.getStatus() != null && e.getStatus().getMessage() != null
            ? e.getStatus().getMessage()
            : e.getMessage();
    return e.getCode() > 0 ? "HTTP " + e.getCode() + ": " + message : message;
  }
}
