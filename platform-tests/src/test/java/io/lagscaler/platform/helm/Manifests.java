package io.lagscaler.platform.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading rendered manifests (plain maps from SnakeYAML) and the charts' values documentation. */
public final class Manifests {

  private Manifests() {}

  public static List<Map<String, Object>> ofKind(List<Map<String, Object>> manifests, String kind) {
    return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
  }

  public static Map<String, Object> named(
      List<Map<String, Object>> manifests, String kind, String name) {
    return ofKind(manifests, kind).stream()
        .filter(m -> name.equals(metadata(m).get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " rendered"));
  }

  public static Map<String, Object> metadata(Map<String, Object> manifest) {
    return obj(manifest.get("metadata"));
  }

  public static String name(Map<String, Object> manifest) {
    return String.valueOf(metadata(manifest).get("name"));
  }

  public static String namespace(Map<String, Object> manifest) {
    return String.valueOf(metadata(manifest).get("namespace"));
  }

  public static Map<String, Object> labels(Map<String, Object> manifest) {
    Object labels = metadata(manifest).get("labels");
    return labels == null ? Map.of() : obj(labels);
  }

  public static Map<String, Object> spec(Map<String, Object> manifest) {
    return obj(manifest.get("spec"));
  }

  /** The pod template of a Deployment, StatefulSet or Job. */
  public static Map<String, Object> podTemplate(Map<String, Object> workload) {
    return obj(spec(workload).get("template"));
  }

  public static Map<String, Object> podSpec(Map<String, Object> workload) {
    return obj(podTemplate(workload).get("spec"));
  }

  /** Every container of a pod spec, init containers included. */
  public static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
    List<Map<String, Object>> all = new ArrayList<>(list(podSpec.get("containers")));
    all.addAll(list(podSpec.get("initContainers")));
    return all;
  }

  /** The workloads that run pods: Deployments, StatefulSets, DaemonSets, Jobs. */
  public static List<Map<String, Object>> workloads(List<Map<String, Object>> manifests) {
    return manifests.stream()
        .filter(
            m -> Set.of("Deployment", "StatefulSet", "DaemonSet", "Job").contains(m.get("kind")))
        .toList();
  }

  /** A container's environment as name to value, or to "secret NAME/KEY" for a secretKeyRef. */
  public static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    for (Map<String, Object> var : list(container.get("env"))) {
      String value;
      if (var.get("valueFrom") instanceof Map<?, ?> from
          && from.get("secretKeyRef") instanceof Map<?, ?> ref) {
        value = "secret " + ref.get("name") + "/" + ref.get("key");
      } else {
        value = String.valueOf(var.get("value"));
      }
      env.put(String.valueOf(var.get("name")), value);
    }
    return env;
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> obj(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  @SuppressWarnings("unchecked")
  public static List<String> strings(Object value) {
    return value == null
        ? List.of()
        : ((List<Object>) value).stream().map(String::valueOf).toList();
  }

  private static final Pattern PARAM = Pattern.compile("(?m)^\\s*## @param (\\S+)");

  /** The value paths documented with {@code ## @param} in a values.yaml (Bitnami's convention). */
  public static Set<String> documentedParams(Path valuesYaml) {
    Set<String> params = new LinkedHashSet<>();
    try {
      Matcher m = PARAM.matcher(Files.readString(valuesYaml));
      while (m.find()) {
        params.add(m.group(1));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return params;
  }

  /**
   * Every value in values.yaml is documented by a {@code ## @param} of its own path or of an
   * enclosing map's path, and every {@code @param} names a value that exists.
   */
  public static void assertEveryValueDocumented(Path valuesYaml) {
    Map<String, Object> values = Charts.readYaml(valuesYaml);
    Set<String> params = documentedParams(valuesYaml);
    List<String> leaves = new ArrayList<>();
    collectLeaves("", values, leaves);
    assertThat(leaves)
        .as("values without a ## @param in " + valuesYaml)
        .allSatisfy(
            leaf ->
                assertThat(
                        params.stream().anyMatch(p -> leaf.equals(p) || leaf.startsWith(p + ".")))
                    .as(leaf)
                    .isTrue());
    assertThat(params)
        .as("## @param naming no value in " + valuesYaml)
        .allSatisfy(p -> assertThat(exists(values, p)).as(p).isTrue());
  }

  private static void collectLeaves(String prefix, Map<String, Object> map, List<String> leaves) {
    map.forEach(
        (key, value) -> {
          String path = prefix.isEmpty() ? key : prefix + "." + key;
          if (value instanceof Map<?, ?> child && !child.isEmpty()) {
            collectLeaves(path, obj(child), leaves);
          } else {
            leaves.add(path);
          }
        });
  }

  private static boolean exists(Map<String, Object> values, String path) {
    Object node = values;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> map) || !map.containsKey(part)) {
        return false;
      }
      node = map.get(part);
    }
    return true;
  }
}
