package io.lagscaler.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local stack's metrics as a cluster's Prometheus sees them: the broker through the JMX
 * exporter with the platform chart's rules, Redis through Redis's exporter, both scraped by a real
 * Prometheus.
 */
class LocalMetricsTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void prometheusScrapesTheBrokerAndRedisUnderThePlatformsMetricNames(@TempDir Path dir)
      throws Exception {
    try (KafkaBrokerProcess broker = KafkaBrokerProcess.startWithMetrics(Map.of(), "-Xmx512m");
        LocalRedis redis = LocalRedis.start();
        LoopbackServer exporter =
            RedisExporter.startIfInstalled(redis.uri(), dir.resolve("redis-exporter"))
                .orElseThrow(
                    () ->
                        new IllegalStateException(
                            "Redis's exporter is not installed: apt-get install"
                                + " prometheus-redis-exporter"))) {
      try (Admin admin =
          Admin.create(
              Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("metered", 3, (short) 1))).all().get();
      }
      String kafkaAddress = broker.metricsAddress().orElseThrow();
      // The platform rules' names, straight from the agent.
      String brokerMetrics = get("http://" + kafkaAddress + "/metrics");
      assertThat(brokerMetrics)
          .contains("kafka_server_replicamanager_partitioncount")
          .contains("kafka_controller_kafkacontroller_activecontrollercount");

      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          """
          global:
            scrape_interval: 1s
          scrape_configs:
            - job_name: kafka
              static_configs: [{targets: ["%s"]}]
            - job_name: redis
              static_configs: [{targets: ["%s"]}]
          """
              .formatted(kafkaAddress, exporter.address()));
      try (LoopbackServer prometheus = PrometheusServer.start(config, dir.resolve("prometheus"))) {
        String partitions = "";
        String redisUp = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && (partitions.isEmpty() || redisUp.isEmpty())) {
          Thread.sleep(500);
          partitions = value(prometheus, "sum(kafka_server_replicamanager_partitioncount)");
          redisUp = value(prometheus, "redis_up");
        }
        assertThat(partitions).as(prometheus.tail()).isEqualTo("3");
        assertThat(redisUp).as(prometheus.tail()).isEqualTo("1");
      }
    }
  }

  /** The first sample's value of an instant query, or "" when it has none yet. */
  private String value(LoopbackServer prometheus, String query) throws Exception {
    String body =
        get(
            prometheus.url()
                + "/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8));
    var m = java.util.regex.Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]").matcher(body);
    return m.find() ? m.group(1) : "";
  }

  private String get(String url) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
    return response.body();
  }
}
