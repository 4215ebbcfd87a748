package io.lagscaler.platform.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** A real Helm (helm-java's bundled native library) over a chart directory. */
public final class Charts {

  /** The Kubernetes version charts are rendered for: the CloudFormation default. */
  public static final String KUBE_VERSION = "v1.34.0";

  private Charts() {}

  /**
   * {@code helm lint --strict} with the chart's values overlaid by an environment's values file.
   * helm-java's lint takes no values file, so the chart is copied with the merged values as its
   * values.yaml, which is what {@code helm lint -f} checks.
   */
  public static LintResult lint(Path chart, Path valuesFile, Path scratch) {
    Path copy = scratch.resolve(chart.getFileName());
    copyTree(chart, copy);
    if (valuesFile != null) {
      Map<String, Object> merged =
          merge(readYaml(chart.resolve("values.yaml")), readYaml(valuesFile));
      try {
        Files.writeString(copy.resolve("values.yaml"), new Yaml().dump(merged));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Helm(copy).lint().strict().call();
  }

  /** {@code helm template} with optional values file and --set pairs; returns every document. */
  public static List<Map<String, Object>> template(
      Path chart, Path valuesFile, Map<String, Object> sets) {
    return template(chart, "platform", null, valuesFile, sets);
  }

  /**
   * {@code helm template RELEASE CHART -n NAMESPACE} (the namespace left to Helm's default when
   * null) with optional values file and --set pairs; returns every document.
   */
  public static List<Map<String, Object>> template(
      Path chart, String release, String namespace, Path valuesFile, Map<String, Object> sets) {
    var command = new Helm(chart).template().withName(release).withKubeVersion(KUBE_VERSION);
    if (namespace != null) {
      command = command.withNamespace(namespace);
    }
    if (valuesFile != null) {
      command = command.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return documents(command.call());
  }

  public static List<Map<String, Object>> documents(String yaml) {
    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
      if (document instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = (Map<String, Object>) map;
        documents.add(manifest);
      }
    }
    return documents;
  }

  public static Map<String, Object> readYaml(Path file) {
    try {
      Object loaded =
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
      @SuppressWarnings("unchecked")
      Map<String, Object> map = loaded == null ? Map.of() : (Map<String, Object>) loaded;
      return map;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Helm's coalescing: maps merge key by key, anything else in the overlay replaces. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> overlay) {
    Map<String, Object> merged = new LinkedHashMap<>(base);
    overlay.forEach(
        (key, value) -> {
          if (value instanceof Map<?, ?> o && merged.get(key) instanceof Map<?, ?> b) {
            merged.put(key, merge((Map<String, Object>) b, (Map<String, Object>) o));
          } else {
            merged.put(key, value);
          }
        });
    return merged;
  }

  private static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
