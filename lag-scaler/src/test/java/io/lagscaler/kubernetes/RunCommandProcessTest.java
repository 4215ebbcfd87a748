package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.lagscaler.devstack.KafkaCluster;
import io.lagscaler.devstack.WithKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code run} command in a child JVM against the mock API server and the real broker: it
 * takes the Lease, serves its endpoints, keeps secrets out of its log, and on SIGTERM releases the
 * Lease and stops.
 */
@WithKafka
class RunCommandProcessTest {

  private static final String SECRET = "s3cr3t-key-password-7731";

  @TempDir Path dir;
  private MockCluster cluster;
  private Process process;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    cluster.createDeployment("shop", "orders", 1);
  }

  @AfterEach
  void stop() {
    if (process != null) {
      process.destroyForcibly();
    }
    cluster.close();
  }

  @Test
  void leadsServesAndOnSigtermReleasesTheLeaseWithoutLeakingSecrets(KafkaCluster kafka)
      throws Exception {
    Path log = dir.resolve("run.log");
    int port = startChild(kafka, log);

    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String holder = null;
    int ready = 0;
    while (System.nanoTime() < deadline && (holder == null || ready != 200)) {
      assertThat(process.isAlive()).as(() -> read(log)).isTrue();
      Lease lease = cluster.client.leases().inNamespace("lag-system").withName("lag-scaler").get();
      holder = lease == null ? null : lease.getSpec().getHolderIdentity();
      try {
        ready =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode();
      } catch (java.io.IOException notYet) {
        ready = 0;
      }
      Thread.sleep(200);
    }
    assertThat(holder).as(() -> read(log)).isEqualTo("lag-scaler-child");
    assertThat(ready).as(() -> read(log)).isEqualTo(200);
    String status =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                    .header("Accept", "text/plain")
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(status).contains("lag-scaler-child (leader)", "orders");

    process.destroy(); // SIGTERM
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(() -> read(log)).isTrue();

    Lease after = cluster.client.leases().inNamespace("lag-system").withName("lag-scaler").get();
    assertThat(after.getSpec().getHolderIdentity()).as("the Lease is released").isNullOrEmpty();
    String output = read(log);
    assertThat(output).contains("shutting down", "stopped", "ssl.key.password");
    assertThat(output).as("secrets never reach a log").doesNotContain(SECRET);
  }

  /** Starts {@code run} in a child JVM against the mock API server; returns its HTTP port. */
  private int startChild(KafkaCluster kafka, Path log) throws Exception {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        contexts: [{name: mock, context: {cluster: mock, user: test, namespace: lag-system}}]
        current-context: mock
        users: [{name: test, user: {token: test-token}}]
        """
            .formatted(cluster.client.getMasterUrl().toString()));
    Path config = dir.resolve("config.yaml");
    Files.writeString(
        config,
        """
        kafka:
          bootstrapServers: %s
          secretProperties:
            ssl.key.password: {env: TEST_KEY_PASSWORD}
        pollInterval: 1s
        targets:
          - {name: orders, namespace: shop, workload: orders, consumerGroup: nobody-home}
        """
            .formatted(kafka.bootstrapServers()));
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // INFO for Kafka too: its clients print their whole config, which must not show the secret.
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.lagscaler.cli.Main");
    command.addAll(
        List.of(
            "run",
            "--config",
            config.toString(),
            "--kubeconfig",
            kubeconfig.toString(),
            "--port",
            Integer.toString(port),
            "--bind",
            "127.0.0.1",
            "--lease-namespace",
            "lag-system",
            "--lease-duration",
            "3s"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("TEST_KEY_PASSWORD", SECRET);
    builder.environment().put("HOSTNAME", "lag-scaler-child");
    process = builder.start();
    return port;
  }

  private String awaitHolder(Path log) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as(() -> read(log)).isTrue();
      Lease lease = cluster.client.leases().inNamespace("lag-system").withName("lag-scaler").get();
      if (lease != null && lease.getSpec().getHolderIdentity() != null) {
        return lease.getSpec().getHolderIdentity();
      }
      Thread.sleep(200);
    }
    return null;
  }

  @Test
  void exitsAsSoonAsAnotherInstanceHoldsTheLease(KafkaCluster kafka) throws Exception {
    Path log = dir.resolve("run.log");
    startChild(kafka, log);
    assertThat(awaitHolder(log)).isEqualTo("lag-scaler-child");

    // Another instance takes over (as after a network partition): this one must stop writing.
    // The child renews every few hundred ms, so a takeover may lose a 409 race: retry it, as a
    // real competing instance would.
    for (int attempt = 0; ; attempt++) {
      try {
        cluster
            .client
            .leases()
            .inNamespace("lag-system")
            .withName("lag-scaler")
            .edit(
                l -> {
                  l.getSpec().setHolderIdentity("lag-scaler-other");
                  l.getSpec().setLeaseDurationSeconds(60);
                  l.getSpec().setRenewTime(java.time.ZonedDateTime.now());
                  return l;
                });
        break;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt > 50) {
          throw e;
        }
      }
    }

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(() -> read(log)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(read(log)).contains("lost leadership: exiting");
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(no log)";
    }
  }
}
