package io.lagscaler.ops;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which environment, and how to reach it: the options every ops command takes. */
final class EnvironmentOptions {

  @Option(
      names = "--env",
      required = true,
      description = "The environment (helm/environments.yaml: dev, stage, prod).")
  String env;

  @Option(
      names = "--kubeconfig",
      description = "The kubeconfig file (default: KUBECONFIG's first file, else ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--environments",
      description = "An environments file instead of the bundled helm/environments.yaml.")
  Path environments;

  Environment environment() {
    return Environments.load(Optional.ofNullable(environments)).get(env);
  }

  /** Resolves the environment and connects to its cluster (checked to answer). */
  Cluster connect() {
    return Cluster.connect(environment(), Optional.ofNullable(kubeconfig));
  }
}
