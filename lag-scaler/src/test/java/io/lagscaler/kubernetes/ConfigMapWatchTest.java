package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigMapWatchTest {

  private static final String NS = "lag-scaler";
  private static final String NAME = "lag-scaler-config";
  private static final String KEY = "config.yaml";

  private MockCluster cluster;
  private final List<Optional<String>> heard = new CopyOnWriteArrayList<>();
  private ConfigMapWatch watch;

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
    watch = cluster.clients("lag-scaler-0").watchConfigMap(NS, NAME, KEY, heard::add);
  }

  @AfterEach
  void stop() {
    watch.close();
    cluster.close();
  }

  @Test
  void theContentAtStartAndEachChangeAreHeard() throws Exception {
    put(KEY, "pollInterval: 15s");

    watch.start();

    assertThat(heard).containsExactly(Optional.of("pollInterval: 15s"));
    put(KEY, "pollInterval: 5s");
    awaitTrue(() -> heard.size() == 2, "the change is heard");
    assertThat(heard.getLast()).contains("pollInterval: 5s");
    assertThat(watch.current()).contains("pollInterval: 5s");
  }

  @Test
  void changesOutsideTheKeyAreNotHeard() throws Exception {
    put(KEY, "pollInterval: 15s");
    watch.start();

    put("README", "managed by helm");
    put(KEY, "pollInterval: 7s");

    awaitTrue(() -> heard.size() >= 2, "the key's change is heard");
    assertThat(heard)
        .containsExactly(Optional.of("pollInterval: 15s"), Optional.of("pollInterval: 7s"));
  }

  @Test
  void aMissingOrDeletedConfigMapIsHeardAsEmpty() throws Exception {
    watch.start();
    assertThat(heard).containsExactly(Optional.empty());

    put(KEY, "pollInterval: 15s");
    awaitTrue(() -> heard.size() == 2, "the new ConfigMap is heard");
    cluster.client.configMaps().inNamespace(NS).withName(NAME).delete();

    awaitTrue(() -> heard.size() == 3, "the deletion is heard");
    assertThat(heard.getLast()).isEmpty();
  }

  /** Creates the ConfigMap or sets one more key in it, keeping the others. */
  private void put(String key, String value) {
    var existing = cluster.client.configMaps().inNamespace(NS).withName(NAME).get();
    var builder =
        existing == null
            ? new ConfigMapBuilder()
                .withNewMetadata()
                .withName(NAME)
                .withNamespace(NS)
                .endMetadata()
            : new ConfigMapBuilder(existing);
    cluster
        .client
        .configMaps()
        .inNamespace(NS)
        .resource(builder.addToData(key, value).build())
        .createOr(op -> op.update());
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
