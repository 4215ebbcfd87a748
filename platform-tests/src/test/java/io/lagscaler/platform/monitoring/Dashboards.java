package io.lagscaler.platform.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.platform.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Grafana dashboards: dashboards/NAME.json, each a link to the copy its chart provisions
 * (helm/CHART/files/dashboards/NAME.json), and the panels in them.
 */
public final class Dashboards {

  /** A dashboard, the chart that provisions it, and the template variables it must offer. */
  public record Dashboard(String name, String chart, List<String> variables) {
    public Path link() {
      return Repo.path("dashboards/" + name + ".json");
    }

    public Path chartCopy() {
      return Repo.path("helm/" + chart + "/files/dashboards/" + name + ".json");
    }

    public JsonNode json() {
      return read(chartCopy());
    }
  }

  public static final List<Dashboard> ALL =
      List.of(
          new Dashboard("lag-scaler", "lag-scaler", List.of("namespace", "target", "group")),
          new Dashboard("services", "retail-services", List.of("namespace", "service", "pod")),
          new Dashboard("platform", "platform", List.of("kafka_namespace", "redis_namespace")));

  private Dashboards() {}

  public static JsonNode read(Path file) {
    try {
      return new ObjectMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every panel that shows data (rows are only headings). */
  public static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      if (!"row".equals(panel.path("type").asText())) {
        panels.add(panel);
      }
    }
    return panels;
  }
}
