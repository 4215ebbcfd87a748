package io.lagscaler.loadtest.services;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The chaos run at a small scale: real Kafka, Redis and Neo4j processes, the three services from
 * their jars; consumer replicas are SIGKILLed and both stores are stopped and restarted while
 * orders flow, and still every order counts exactly once in both stores.
 */
class ChaosCommandTest {

  @Test
  void killedReplicasAndRestartedStoresLoseAndDoubleNothing(@TempDir Path out) throws Exception {
    int exit =
        new CommandLine(new ChaosCommand())
            .execute(
                "--messages", "4000",
                "--kills", "2",
                "--instances", "2",
                "--partitions", "6",
                "--batch", "200",
                "--store-down", "PT2S",
                "--timeout", "PT10M",
                "--services-dir", "../services",
                "--out", out.toString());

    JsonNode report = new ObjectMapper().readTree(out.resolve("chaos.json").toFile());
    assertThat(exit).as(report.toPrettyString()).isZero();
    assertThat(report.get("sent").asInt()).isEqualTo(4000);
    assertThat(report.get("lost").asLong()).isZero();
    assertThat(report.get("duplicated").asLong()).isZero();
    assertThat(report.get("mismatchedStoreDays").asLong()).isZero();
    assertThat(report.get("kills").asInt()).isEqualTo(2);
    List<String> restarted = new ArrayList<>();
    report.get("storeRestarts").forEach(e -> restarted.add(e.get("store").asText()));
    assertThat(restarted).containsExactlyInAnyOrder("redis", "neo4j");
  }
}
