package io.lagscaler.ops;

import java.util.List;

/**
 * One environment of docs/deploy.md as the CLI reaches it.
 *
 * @param context the kubeconfig context of its cluster
 * @param namespace where its applications (and their Helm releases) are installed
 * @param releases its Helm releases, in the order they are installed
 * @param lagScalerService lag-scaler's Service in {@code namespace} (port {@code http})
 */
public record Environment(
    String name, String context, String namespace, List<String> releases, String lagScalerService) {

  public Environment {
    releases = List.copyOf(releases);
  }
}
