package io.lagscaler.loadtest.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.loadtest.report.RunResult.Event;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LiveBoardTest {

  private static Sample sample(int second, int desired, String reason) {
    return new Sample(
        second,
        15,
        15,
        OptionalDouble.empty(),
        OptionalLong.of(3),
        OptionalDouble.of(0.5),
        OptionalInt.of(desired),
        OptionalInt.empty(),
        reason);
  }

  @Test
  void theDecisionLogGetsARowWhenTheReasonOrExplanationChangesOrTheReplicasDo() {
    LiveBoard board = new LiveBoard("demo", Duration.ofSeconds(15), 60);
    LiveBoard.Run run = board.begin("lag-scaler");
    Event up = new Event(3, 1, 4, "SCALE_UP", "4 replicas for 120 msg/s");
    run.second(sample(1, 1, "AT_TARGET"), List.of(), "within the target");
    run.second(sample(2, 1, "AT_TARGET"), List.of(), "within the target");
    run.second(sample(3, 4, "SCALE_UP"), List.of(up), "4 replicas for 120 msg/s");
    run.second(sample(4, 4, "SCALE_UP"), List.of(up), "4 replicas for 120 msg/s");
    run.second(sample(5, 4, "SCALE_UP"), List.of(up), "4 replicas for 110 msg/s");

    JsonNode json = new ObjectMapper().valueToTree(board.json());
    JsonNode decisions = json.at("/runs/0/decisions");
    assertThat(decisions).hasSize(3);
    assertThat(decisions.get(0).get("reason").asText()).isEqualTo("AT_TARGET");
    assertThat(decisions.get(0).get("change").isNull()).isTrue();
    assertThat(decisions.get(1).get("second").asInt()).isEqualTo(3);
    assertThat(decisions.get(1).get("change").asText()).isEqualTo("1 -> 4");
    assertThat(decisions.get(2).get("explanation").asText()).isEqualTo("4 replicas for 110 msg/s");
    assertThat(json.at("/runs/0/events")).hasSize(1);
  }

  @Test
  void whatWasNotMeasuredIsNullAndARunIsStartingUntilItsFirstSecond() {
    LiveBoard board = new LiveBoard("demo", Duration.ofSeconds(15), 60);
    LiveBoard.Run first = board.begin("lag-scaler");
    first.second(sample(1, 1, "AT_TARGET"), List.of(), "");
    first.finish();
    board.begin("keda").note("starting Kafka, Redis and Neo4j");

    JsonNode json = new ObjectMapper().valueToTree(board.json());
    assertThat(json.at("/runs/0/state").asText()).isEqualTo("done");
    assertThat(json.at("/runs/0/series/consumptionRate/0").isNull()).isTrue();
    assertThat(json.at("/runs/0/series/ready/0").isNull()).isTrue();
    assertThat(json.at("/runs/0/series/lag/0").asLong()).isEqualTo(3);
    assertThat(json.at("/runs/0/traceUrl").isNull()).isTrue();
    assertThat(json.at("/runs/1/state").asText()).isEqualTo("starting");
    assertThat(json.at("/runs/1/note").asText()).isEqualTo("starting Kafka, Redis and Neo4j");
    assertThat(json.at("/targetLagSeconds").asLong()).isEqualTo(15);
  }

  @Test
  void thePageServesItsChartLibraryFromTheJarAndTheBoardAsJson() throws Exception {
    LiveBoard board = new LiveBoard("demo", Duration.ofSeconds(15), 60);
    board.begin("lag-scaler");
    try (LivePage page = LivePage.start("127.0.0.1", 0, board);
        HttpClient http = HttpClient.newHttpClient()) {
      for (String path :
          List.of("", "live.js", "live.css", "uplot/uPlot.iife.min.js", "uplot/uPlot.min.css")) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(page.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(200);
        assertThat(r.body()).as(path).isNotBlank();
      }
      HttpResponse<String> runs =
          http.send(
              HttpRequest.newBuilder(URI.create(page.url() + "runs.json")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(new ObjectMapper().readTree(runs.body()).at("/runs/0/policy").asText())
          .isEqualTo("lag-scaler");
    }
  }
}
