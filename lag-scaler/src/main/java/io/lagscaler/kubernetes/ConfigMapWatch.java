package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Watches one key of one ConfigMap (lag-scaler's config) with an informer, which re-lists and
 * re-watches by itself after a dropped connection. The listener hears the key's content each time
 * it changes, and an empty value when the ConfigMap or the key is gone; parsing and validation are
 * the caller's.
 *
 * <p>Created by {@link KubernetesClients#watchConfigMap}.
 */
public final class ConfigMapWatch implements AutoCloseable {

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String key;
  private final Consumer<Optional<String>> listener;
  private Optional<String> last;
  private SharedIndexInformer<ConfigMap> informer;

  ConfigMapWatch(
      KubernetesClient client,
      String namespace,
      String name,
      String key,
      Consumer<Optional<String>> listener) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.name = Objects.requireNonNull(name, "name");
    this.key = Objects.requireNonNull(key, "key");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Lists and starts watching; returns once the initial list is done, after the listener has heard
   * the content at start (or empty, if there is none).
   *
   * @throws IllegalStateException when the API server refuses the list or watch (RBAC, network)
   */
  public synchronized void start() {
    if (informer != null) {
      throw new IllegalStateException("already started");
    }
    try {
      informer =
          client
              .configMaps()
              .inNamespace(namespace)
              .withName(name)
              .inform(
                  new ResourceEventHandler<ConfigMap>() {
                    @Override
                    public void onAdd(ConfigMap configMap) {
                      changed(contentOf(configMap));
                    }

                    @Override
                    public void onUpdate(ConfigMap before, ConfigMap after) {
                      changed(contentOf(after));
                    }

                    @Override
                    public void onDelete(ConfigMap configMap, boolean finalStateUnknown) {
                      changed(Optional.empty());
                    }
                  },
                  0);
    } catch (KubernetesClientException e) {
      throw new IllegalStateException(
          "cannot list and watch ConfigMap "
              + namespace
              + "/"
              + name
              + " (needs get, list, watch on configmaps): "
              + e.getMessage(),
          e);
    }
    // The informer notifies handlers asynchronously; the caller wants the content at start before
    // this returns. The store is updated before handlers run, and they wait for this lock, so a
    // newer change is heard after this one, never before.
    changed(informer.getStore().list().stream().findFirst().flatMap(this::contentOf));
  }

  /** The content last heard; empty before start, or when the ConfigMap or key is missing. */
  public synchronized Optional<String> current() {
    return last == null ? Optional.empty() : last;
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
    }
  }

  private Optional<String> contentOf(ConfigMap configMap) {
    return configMap.getData() == null
        ? Optional.empty()
        : Optional.ofNullable(configMap.getData().get(key));
  }

  // Metadata-only updates (labels, annotations, resyncs) do not reach the listener.
  private synchronized void changed(Optional<String> content) {
    if (content.equals(last)) {
      return;
    }
    last = content;
    listener.accept(content);
  }
}
