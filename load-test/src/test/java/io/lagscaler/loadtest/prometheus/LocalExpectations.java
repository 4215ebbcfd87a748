package io.lagscaler.loadtest.prometheus;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.Yaml;

/**
 * dashboards/local-expectations.yaml: the panels ({@code noLocalData}: dashboard uid, panel title)
 * and the metrics of alert rules ({@code noLocalMetrics}: metric) whose data cannot exist on one
 * machine (no Kubernetes, no node-termination handler...), each with the reason. Their queries must
 * still be valid; they need not return series locally.
 */
record LocalExpectations(List<Map<String, Object>> panels, Set<String> metrics) {

  static LocalExpectations load(Path dashboards) {
    Path file = dashboards.resolve("local-expectations.yaml");
    try {
      Map<String, Object> doc = new Yaml().load(Files.readString(file));
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> panels =
          (List<Map<String, Object>>) doc.getOrDefault("noLocalData", List.of());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> metrics =
          (List<Map<String, Object>>) doc.getOrDefault("noLocalMetrics", List.of());
      Set<String> names = new LinkedHashSet<>();
      for (Map<String, Object> p : panels) {
        requireReason(file, p);
      }
      for (Map<String, Object> m : metrics) {
        requireReason(file, m);
        names.add(String.valueOf(m.get("metric")));
      }
      return new LocalExpectations(panels, names);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static void requireReason(Path file, Map<String, Object> entry) {
    if (String.valueOf(entry.getOrDefault("reason", "")).isBlank()) {
      throw new IllegalArgumentException(file + ": an entry without a reason: " + entry);
    }
  }

  /** The titles of the panels of dashboard {@code uid} that need a cluster for data. */
  Set<String> panels(String uid) {
    Set<String> titles = new LinkedHashSet<>();
    for (Map<String, Object> p : panels) {
      if (uid.equals(String.valueOf(p.get("dashboard")))) {
        titles.add(String.valueOf(p.get("panel")));
      }
    }
    return titles;
  }
}
