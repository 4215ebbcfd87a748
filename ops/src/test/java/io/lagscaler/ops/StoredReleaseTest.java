package io.lagscaler.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a rollback upgrades to: a revision's chart and values as Helm stored them, written back out,
 * render (real Helm) exactly what the chart they were stored from renders.
 */
class StoredReleaseTest {

  private static final String KUBE_VERSION = "1.34.0";

  @Test
  void aStoredRevisionOfRetailServicesRendersWhatItsChartRendered(@TempDir Path dir)
      throws IOException {
    Path original = Path.of("../helm/retail-services");
    Map<String, Object> config = load(original.resolve("values-stage.yaml"));
    config.put("global", Map.of("image", Map.of("registry", "registry.example", "tag", "abc123")));
    Path originalValues = dir.resolve("original-values.yaml");
    Files.writeString(originalValues, new Yaml().dump(config));

    StoredRelease stored =
        new StoredRelease(
            "retail-services",
            3,
            StoredRelease.decode(MockEnvironment.encode(storedAsHelmDoes(original, config))));
    Path chart = stored.writeChart(dir.resolve("chart"));
    Path values = stored.writeValues(dir.resolve("values.yaml"));

    String expected = render(original, originalValues);
    assertThat(expected).contains("kind: Deployment");
    assertThat(render(chart, values)).isEqualTo(expected);
  }

  @Test
  void aChartWithDependenciesIsRefusedBecauseHelmDoesNotStoreThem(@TempDir Path dir) {
    Map<String, Object> metadata =
        Map.of(
            "apiVersion", "v2",
            "name", "platform",
            "version", "0.1.0",
            "dependencies", List.of(Map.of("name", "redis", "version", "22.0.7")));
    StoredRelease stored =
        new StoredRelease(
            "platform",
            2,
            StoredRelease.decode(
                MockEnvironment.encode(
                    Map.of("name", "platform", "chart", Map.of("metadata", metadata)))));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stored.writeChart(dir))
        .isInstanceOf(OpsException.class)
        .hasMessageContaining("platform revision 2 has chart dependencies")
        .hasMessageContaining("helm rollback platform 2");
  }

  private static String render(Path chart, Path values) {
    return new Helm(chart)
        .template()
        .withName("retail-services")
        .withNamespace("application")
        .withKubeVersion(KUBE_VERSION)
        .withValuesFile(values)
        .call();
  }

  /**
   * A release as Helm's chart loader and storage keep it: Chart.yaml as metadata, values.yaml
   * parsed, the schema and every template and other file base64-encoded by path.
   */
  private static Map<String, Object> storedAsHelmDoes(Path chart, Map<String, Object> config)
      throws IOException {
    List<Map<String, Object>> templates = new ArrayList<>();
    List<Map<String, Object>> files = new ArrayList<>();
    try (Stream<Path> paths = Files.walk(chart)) {
      for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
        String name = chart.relativize(p).toString();
        if (List.of("Chart.yaml", "values.yaml", "values.schema.json", ".helmignore")
            .contains(name)) {
          continue;
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("name", name);
        file.put("data", Base64.getEncoder().encodeToString(Files.readAllBytes(p)));
        (name.startsWith("templates/") ? templates : files).add(file);
      }
    }
    Map<String, Object> stored = new LinkedHashMap<>();
    stored.put("metadata", load(chart.resolve("Chart.yaml")));
    stored.put("templates", templates);
    stored.put("values", load(chart.resolve("values.yaml")));
    stored.put(
        "schema",
        Base64.getEncoder()
            .encodeToString(Files.readAllBytes(chart.resolve("values.schema.json"))));
    stored.put("files", files);
    Map<String, Object> release = new LinkedHashMap<>();
    release.put("name", "retail-services");
    release.put("chart", stored);
    release.put("config", config);
    release.put("version", 3);
    return release;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> load(Path yaml) {
    try {
      Object loaded =
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(yaml));
      return loaded == null
          ? new LinkedHashMap<>()
          : new LinkedHashMap<>((Map<String, Object>) loaded);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
