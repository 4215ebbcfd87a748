package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * The entry point to the Kubernetes adapter: one API client, and the adapters built on it. The rest
 * of lag-scaler holds this object, never a fabric8 type, so fabric8 stays in this package.
 */
public final class KubernetesClients implements AutoCloseable {

  /** How long following a new namespace waits for its caches' first list. */
  static final java.time.Duration SYNC_WAIT = java.time.Duration.ofSeconds(10);

  private final KubernetesClient client;
  private final String identity;
  private final WorkloadInformers informers;

  private KubernetesClients(KubernetesClient client, String identity) {
    this.client = Objects.requireNonNull(client, "client");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.informers = new WorkloadInformers(client, SYNC_WAIT);
  }

  /**
   * A client for the given kubeconfig file, or else fabric8's usual discovery: the in-cluster
   * service account when running in a pod, then {@code KUBECONFIG} or {@code ~/.kube/config}.
   *
   * @throws IllegalArgumentException when the kubeconfig file cannot be read or parsed
   */
  public static KubernetesClients create(Optional<Path> kubeconfig) {
    Config config;
    if (kubeconfig.isPresent()) {
      Path file = kubeconfig.get();
      String content;
      try {
        content = Files.readString(file);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read kubeconfig " + file + ": " + e, e);
      }
      try {
        config = Config.fromKubeconfig(content);
      } catch (KubernetesClientException | UncheckedIOException e) {
        throw new IllegalArgumentException("invalid kubeconfig " + file + ": " + e.getMessage(), e);
      }
    } else {
      config = Config.autoConfigure(null);
    }
    // fabric8 retries a 429 or 5xx answer up to 10 times with exponential backoff (about 20 s in
    // all) inside the call, which would stall the single reconcile thread and every other target
    // behind one failing write. The controller backs off per target instead (with jitter), and
    // the informers and the Lease have their own retry loops.
    config.setRequestRetryBackoffLimit(0);
    return new KubernetesClients(
        new KubernetesClientBuilder().withConfig(config).build(), podIdentity());
  }

  /** For tests: adapters over a given client (a mock API server's). */
  static KubernetesClients of(KubernetesClient client, String identity) {
    return new KubernetesClients(client, identity);
  }

  /**
   * This pod's name, which Kubernetes puts in {@code HOSTNAME}; the host name outside a pod. Used
   * as the Lease holder and as the Events' {@code reportingInstance}.
   */
  public static String podIdentity() {
    String hostname = System.getenv("HOSTNAME");
    if (hostname != null && !hostname.isBlank()) {
      return hostname.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new IllegalStateException("no HOSTNAME and no resolvable host name for identity", e);
    }
  }

  public String identity() {
    return identity;
  }

  /** The namespace of the config: lag-scaler's own in a pod (from the service account). */
  public String namespace() {
    return Objects.requireNonNullElse(client.getNamespace(), "default");
  }

  /** The API server's URL, for logs. */
  public String masterUrl() {
    return client.getMasterUrl().toString();
  }

  /**
   * Reads from the shared informers (started for the namespaces it is told to {@link
   * KubernetesScaler#follow follow}), writes through {@code /scale}.
   */
  public KubernetesScaler scaler() {
    return scaler(KubernetesScaler.DEFAULT_MAX_ATTEMPTS);
  }

  public KubernetesScaler scaler(int maxAttempts) {
    return new KubernetesScaler(client, informers, maxAttempts);
  }

  /** The shared informers the scaler and recorder read. */
  public WorkloadInformers informers() {
    return informers;
  }

  /** Events rate-limited to a burst of 5, then 1 a minute, per object. */
  public KubernetesDecisionRecorder recorder(Clock clock) {
    return new KubernetesDecisionRecorder(
        client,
        informers::uid,
        identity,
        clock,
        new EventRateLimiter(
            KubernetesDecisionRecorder.DEFAULT_BURST, KubernetesDecisionRecorder.DEFAULT_REFILL));
  }

  public LeaderElection leaderElection(
      LeaderElection.Settings settings, LeaderElection.Listener listener) {
    return new LeaderElection(client, settings, listener);
  }

  /**
   * Watches one key of a ConfigMap (lag-scaler's config); call {@link ConfigMapWatch#start()}. The
   * listener runs on the client's informer thread: hand the content over, do not block.
   */
  public ConfigMapWatch watchConfigMap(
      String namespace,
      String name,
      String key,
      java.util.function.Consumer<Optional<String>> listener) {
    return new ConfigMapWatch(client, namespace, name, key, listener);
  }

  public PermissionCheck permissionCheck() {
    return new PermissionCheck(client);
  }

  @Override
  public void close() {
    informers.close();
    client.close();
  }
}
