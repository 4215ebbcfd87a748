package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches lag-scaler's ConfigMap and hands every version of its config key to the controller, which
 * validates it and applies it at the next poll (or rejects it and keeps the last good one).
 */
public final class ConfigMapSource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapSource.class);

  private final SharedIndexInformer<ConfigMap> informer;

  private ConfigMapSource(SharedIndexInformer<ConfigMap> informer) {
    this.informer = informer;
  }

  /**
   * Starts watching; {@code onConfig} receives (yaml, origin) for the current version and every
   * change. A ConfigMap without the key is offered as an empty document, which the controller
   * rejects with a message naming the key.
   */
  static ConfigMapSource watch(
      KubernetesClient client,
      String namespace,
      String name,
      String key,
      BiConsumer<String, String> onConfig) {
    ResourceEventHandler<ConfigMap> handler =
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            offer(cm);
          }

          @Override
          public void onUpdate(ConfigMap old, ConfigMap cm) {
            // Resyncs repeat the same version: only a new resourceVersion is a change.
            if (!old.getMetadata()
                .getResourceVersion()
                .equals(cm.getMetadata().getResourceVersion())) {
              offer(cm);
            }
          }

          @Override
          public void onDelete(ConfigMap cm, boolean unknownFinalState) {
            LOG.warn(
                "ConfigMap {}/{} was deleted: the last good config stays in force",
                namespace,
                name);
          }

          private void offer(ConfigMap cm) {
            String origin =
                "ConfigMap "
                    + namespace
                    + "/"
                    + name
                    + " key "
                    + key
                    + " (resourceVersion "
                    + cm.getMetadata().getResourceVersion()
                    + ")";
            String yaml = cm.getData() == null ? null : cm.getData().get(key);
            onConfig.accept(yaml == null ? "" : yaml, origin);
          }
        };
    SharedIndexInformer<ConfigMap> informer =
        client.configMaps().inNamespace(namespace).withName(name).inform(handler);
    return new ConfigMapSource(informer);
  }

  @Override
  public void close() {
    informer.close();
  }
}
