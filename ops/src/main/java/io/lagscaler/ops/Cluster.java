package io.lagscaler.ops;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * One environment's cluster, reached through its kubeconfig context: the Kubernetes API client, and
 * the kubeconfig Helm is given (the same file with the environment's context made current, since
 * helm-java takes no context of its own).
 */
public final class Cluster implements AutoCloseable {

  private final Environment environment;
  private final KubernetesClient client;
  private final String helmKubeconfig;

  private Cluster(Environment environment, KubernetesClient client, String helmKubeconfig) {
    this.environment = environment;
    this.client = client;
    this.helmKubeconfig = helmKubeconfig;
  }

  /**
   * Opens {@code environment}'s context from {@code kubeconfig}, or else from {@code KUBECONFIG}'s
   * first file, or else {@code ~/.kube/config}, and checks the API server answers.
   *
   * @throws OpsException when the file is missing or unreadable, has no such context, or the API
   *     server cannot be reached
   */
  public static Cluster connect(Environment environment, Optional<Path> kubeconfig) {
    Path file = kubeconfig.orElseGet(Cluster::defaultKubeconfig);
    String content = read(file, environment);
    Map<String, Object> parsed = parse(content, file);
    List<String> contexts = contextNames(parsed);
    if (!contexts.contains(environment.context())) {
      throw new OpsException(
          "kubeconfig "
              + file
              + " has no context '"
              + environment.context()
              + "' for environment "
              + environment.name()
              + " (it has: "
              + (contexts.isEmpty() ? "none" : String.join(", ", contexts))
              + "): "
              + howToGetIt(environment));
    }
    Config config;
    try {
      config = Config.fromKubeconfig(environment.context(), file.toFile());
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new OpsException("invalid kubeconfig " + file + ": " + e.getMessage(), e);
    }
    // A person is waiting: fail within seconds instead of fabric8's ten retries with backoff.
    config.setRequestRetryBackoffLimit(0);
    config.setConnectionTimeout(5_000);
    config.setRequestTimeout(20_000);
    parsed.put("current-context", environment.context());
    Cluster cluster =
        new Cluster(
            environment, new KubernetesClientBuilder().withConfig(config).build(), dump(parsed));
    cluster.checkReachable();
    return cluster;
  }

  private static Path defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isBlank()) {
      return Path.of(env.split(File.pathSeparator)[0]);
    }
    return Path.of(System.getProperty("user.home"), ".kube", "config");
  }

  private static String read(Path file, Environment environment) {
    if (!Files.isRegularFile(file)) {
      throw new OpsException(
          "no kubeconfig at " + file + ": " + howToGetIt(environment) + ", or pass --kubeconfig");
    }
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new OpsException("cannot read kubeconfig " + file + ": " + e, e);
    }
  }

  private static String howToGetIt(Environment environment) {
    return "make -C helm kubeconfig ENV="
        + environment.name()
        + " writes it (aws eks update-kubeconfig --alias "
        + environment.context()
        + ")";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String content, Path file) {
    try {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(content);
      if (root instanceof Map<?, ?> map) {
        return new LinkedHashMap<>((Map<String, Object>) map);
      }
    } catch (RuntimeException e) {
      throw new OpsException("invalid kubeconfig " + file + ": " + e.getMessage(), e);
    }
    throw new OpsException("invalid kubeconfig " + file + ": not a YAML map");
  }

  private static List<String> contextNames(Map<String, Object> kubeconfig) {
    List<String> names = new ArrayList<>();
    if (kubeconfig.get("contexts") instanceof List<?> contexts) {
      for (Object c : contexts) {
        if (c instanceof Map<?, ?> m && m.get("name") != null) {
          names.add(String.valueOf(m.get("name")));
        }
      }
    }
    return names;
  }

  private static String dump(Map<String, Object> kubeconfig) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(options).dump(kubeconfig);
  }

  private void checkReachable() {
    try {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      close();
      String why = reason(e);
      throw new OpsException(
          "cannot reach the API server "
              + client.getMasterUrl()
              + " of environment "
              + environment.name()
              + " (context "
              + environment.context()
              + "): "
              + why,
          e);
    }
  }

  /**
   * Below fabric8's "An error has occurred": the innermost message, else the innermost network
   * exception's name (a refused connection comes as a ConnectException without a message).
   */
  private static String reason(KubernetesClientException e) {
    String message = null;
    String network = null;
    for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getClass().getSimpleName() + ": " + t.getMessage();
      }
      if (t.getClass().getPackageName().equals("java.net")) {
        network = t.getClass().getSimpleName();
      }
    }
    if (message != null) {
      return message;
    }
    if (network != null) {
      return network + " (refused, or nothing answered within 5 s)";
    }
    return e.getMessage();
  }

  public Environment environment() {
    return environment;
  }

  /** The Kubernetes API, for this package's adapters. */
  KubernetesClient client() {
    return client;
  }

  /** A kubeconfig whose current context is this environment's, for Helm. */
  String helmKubeconfig() {
    return helmKubeconfig;
  }

  @Override
  public void close() {
    client.close();
  }
}
