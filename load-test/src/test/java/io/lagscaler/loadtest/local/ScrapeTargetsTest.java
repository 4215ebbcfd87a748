package io.lagscaler.loadtest.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.loadtest.services.MetricsEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScrapeTargetsTest {

  @Test
  void writesOneFileSdEntryPerEndpointAndRewritesOnlyOnChange(@TempDir Path dir) throws Exception {
    ScrapeTargets targets = new ScrapeTargets(dir.resolve("prometheus").resolve("targets.json"));
    MetricsEndpoint scaler =
        new MetricsEndpoint("lag-scaler", "lag-scaler-1", "127.0.0.1:9000", "/metrics");
    MetricsEndpoint broker =
        new MetricsEndpoint("kafka", "kafka-0", "127.0.0.1:9404", "/jmx/metrics");
    MetricsEndpoint replica =
        new MetricsEndpoint("store-totals", "store-totals-2", "127.0.0.1:9002", "/metrics");

    assertThat(targets.update(List.of(scaler, broker, replica))).isTrue();
    assertThat(targets.update(List.of(scaler, broker, replica))).isFalse();
    JsonNode file = new ObjectMapper().readTree(targets.file().toFile());
    assertThat(file).hasSize(3);
    assertThat(file.get(2).get("targets").get(0).asText()).isEqualTo("127.0.0.1:9002");
    assertThat(file.get(2).get("labels").toString())
        .isEqualTo("{\"job\":\"store-totals\",\"namespace\":\"local\",\"pod\":\"store-totals-2\"}");
    assertThat(file.get(1).get("labels").get("__metrics_path__").asText())
        .isEqualTo("/jmx/metrics");
    assertThat(file.get(0).get("labels").has("__metrics_path__")).isFalse();

    // A scale-down: the replica's entry goes, and no temporary file is left behind.
    assertThat(targets.update(List.of(scaler, broker))).isTrue();
    assertThat(new ObjectMapper().readTree(targets.file().toFile())).hasSize(2);
    try (var files = Files.list(targets.file().getParent())) {
      assertThat(files).containsExactly(targets.file());
    }
  }
}
