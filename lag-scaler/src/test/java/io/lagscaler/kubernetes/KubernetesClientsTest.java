package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesClientsTest {

  @TempDir Path dir;
  private MockCluster cluster;

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
  }

  @AfterEach
  void stopMockApiServer() {
    cluster.close();
  }

  @Test
  void aKubeconfigFileSelectsTheServerAndNamespace() throws Exception {
    cluster.createDeployment("shop", "orders", 3);
    Path kubeconfig = dir.resolve("config");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        users:
        - name: lag-scaler
          user:
            token: not-a-secret
        contexts:
        - name: mock
          context:
            cluster: mock
            user: lag-scaler
            namespace: shop
        current-context: mock
        """
            .formatted(cluster.server.url("/")));

    try (KubernetesClients clients = KubernetesClients.create(Optional.of(kubeconfig))) {
      assertThat(clients.namespace()).isEqualTo("shop");
      assertThat(clients.masterUrl()).startsWith("http://localhost:" + cluster.server.getPort());
      KubernetesScaler scaler = clients.scaler();
      scaler.follow(java.util.Set.of("shop"));
      assertThat(scaler.read(new WorkloadRef("shop", WorkloadKind.DEPLOYMENT, "orders")).desired())
          .isEqualTo(3);
    }
  }

  @Test
  void anUnreadableKubeconfigIsRejectedWithItsPath() {
    Path missing = dir.resolve("nope");

    assertThatThrownBy(() -> KubernetesClients.create(Optional.of(missing)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void theIdentityIsThePodsHostname() {
    String hostname = System.getenv("HOSTNAME");
    String identity = KubernetesClients.podIdentity();

    assertThat(identity).isNotBlank();
    if (hostname != null && !hostname.isBlank()) {
      assertThat(identity).isEqualTo(hostname.trim());
    }
  }
}
