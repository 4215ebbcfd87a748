package io.lagscaler.platform.upstream;

import io.lagscaler.platform.helm.Charts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every key a values file sets must be a key of the chart's own values.yaml at the pinned version,
 * at the same path: a key the chart does not have is silently ignored by Helm, which is how a
 * setting that "does nothing" lands. Below a free-form map (a map the chart passes through, like
 * {@code extraArgs} or a pod's {@code nodeSelector}) any key is allowed, but only where {@link
 * FreeForm} names it.
 */
public final class ValuesKeyCheck {

  /**
   * A map whose keys the chart does not define: {@code chart} is a chart name or {@code *} for
   * every chart; {@code path} is a dotted path, or {@code *.key} for that key at any depth.
   */
  public record FreeForm(String chart, String path, String why) {
    boolean covers(String chartName, String valuesPath) {
      if (!chart.equals("*") && !chart.equals(chartName)) {
        return false;
      }
      if (path.startsWith("*.")) {
        String key = path.substring(2);
        return valuesPath.equals(key) || valuesPath.endsWith("." + key);
      }
      return valuesPath.equals(path);
    }
  }

  /** The chart checked against: its name, version, values, and the values of its subcharts. */
  public record Chart(
      String name,
      String version,
      Map<String, Object> values,
      Map<String, Map<String, Object>> subcharts) {
    String label() {
      return name + " " + version;
    }
  }

  private final List<FreeForm> freeForms;

  public ValuesKeyCheck(List<FreeForm> freeForms) {
    this.freeForms = List.copyOf(freeForms);
  }

  /**
   * The problems of one values file (FILE names it in every message); empty when every key exists.
   */
  public List<String> check(String file, Map<String, Object> ours, Chart chart) {
    List<String> problems = new ArrayList<>();
    walk(file, "", ours, chart.values(), chart, problems);
    return problems;
  }

  @SuppressWarnings("unchecked")
  private void walk(
      String file,
      String prefix,
      Map<String, Object> ours,
      Map<String, Object> upstream,
      Chart chart,
      List<String> problems) {
    for (Map.Entry<String, Object> entry : ours.entrySet()) {
      String key = entry.getKey();
      String path = prefix.isEmpty() ? key : prefix + "." + key;
      if (freeForms.stream().anyMatch(f -> f.covers(chart.name(), path))) {
        continue;
      }
      Object theirs = upstream.get(key);
      // A subchart's values sit under its name; the parent may also set defaults there.
      if (prefix.isEmpty() && chart.subcharts().containsKey(key)) {
        Map<String, Object> parentDefaults =
            theirs instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        theirs = Charts.merge(chart.subcharts().get(key), parentDefaults);
      } else if (!upstream.containsKey(key)) {
        problems.add(
            file + ": " + path + ": chart " + chart.label() + " has no such key (its values.yaml)");
        continue;
      }
      if (entry.getValue() instanceof Map<?, ?> child && !child.isEmpty()) {
        if (theirs instanceof Map<?, ?> upstreamChild && !upstreamChild.isEmpty()) {
          walk(
              file,
              path,
              (Map<String, Object>) child,
              (Map<String, Object>) upstreamChild,
              chart,
              problems);
        } else {
          problems.add(
              file
                  + ": "
                  + path
                  + ": chart "
                  + chart.label()
                  + " defines no keys under it (default "
                  + theirs
                  + "); if the chart passes a free-form map through here, name the path in the"
                  + " free-form list");
        }
      }
    }
  }

  /**
   * A {@code --set} key (or an Argo CD Helm parameter name) as a one-key values map. Helm splits
   * the key on unescaped dots; an index ({@code name[0]}) goes into a list, which the key check
   * does not enter, so the path stops at the list's own key.
   */
  public static Map<String, Object> fromSetKey(String key) {
    String[] parts = key.split("(?<!\\\\)\\.");
    int length = parts.length;
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].contains("[")) {
        parts[i] = parts[i].substring(0, parts[i].indexOf('['));
        length = i + 1;
        break;
      }
    }
    Object value = "set";
    for (int i = length - 1; i >= 0; i--) {
      value = Map.of(parts[i].replace("\\.", "."), value);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> map = (Map<String, Object>) value;
    return map;
  }
}
