package io.lagscaler.loadtest.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lagscaler.loadtest.services.MetricsEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The local run's scrape targets as a Prometheus {@code file_sd_configs} file: one entry per
 * metrics endpoint, labelled as a ServiceMonitor would label it in a cluster ({@code job}, {@code
 * namespace="local"}, {@code pod}). Rewritten whole, through a temporary file and a move, whenever
 * the endpoints change, so Prometheus never reads half a file and follows scale-ups and downs.
 */
public final class ScrapeTargets {

  public static final String NAMESPACE = "local";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private List<MetricsEndpoint> written;

  /** {@code file} is e.g. OUT/prometheus/targets.json. */
  public ScrapeTargets(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Writes the endpoints when they differ from the last written; true when it wrote. */
  public synchronized boolean update(List<MetricsEndpoint> endpoints) {
    if (endpoints.equals(written)) {
      return false;
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".targets-", ".json");
      JSON.writeValue(temp.toFile(), fileSd(endpoints));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write " + file, e);
    }
    written = List.copyOf(endpoints);
    return true;
  }

  /** The file_sd form: [{"targets": [address], "labels": {...}}]. */
  static List<Map<String, Object>> fileSd(List<MetricsEndpoint> endpoints) {
    List<Map<String, Object>> entries = new ArrayList<>();
    for (MetricsEndpoint e : endpoints) {
      Map<String, String> labels = new LinkedHashMap<>();
      labels.put("job", e.job());
      labels.put("namespace", NAMESPACE);
      labels.put("pod", e.pod());
      if (!e.path().equals("/metrics")) {
        labels.put("__metrics_path__", e.path());
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("targets", List.of(e.address()));
      entry.put("labels", labels);
      entries.add(entry);
    }
    return entries;
  }
}
