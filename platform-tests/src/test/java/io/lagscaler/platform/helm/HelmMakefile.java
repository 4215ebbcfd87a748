package io.lagscaler.platform.helm;

import io.lagscaler.platform.Repo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * helm/Makefile read as data: its variables, and each pinned third-party chart with the values file
 * its install names ({@code $(call values,NAME)}).
 */
public final class HelmMakefile {

  private static final Pattern ASSIGNMENT =
      Pattern.compile("^([A-Z0-9_]+) := (.+)$", Pattern.MULTILINE);
  private static final Pattern VALUES = Pattern.compile("\\$\\(call values,([a-z0-9-]+)\\)");

  /**
   * One pinned chart: the variable prefix (STRIMZI), the reference ({@code strimzi/strimzi-kafka-
   * operator} or an {@code oci://} address), its version, and the values file names its installs
   * use (third-party/NAME.yaml).
   */
  public record PinnedChart(String prefix, String reference, String version, List<String> values) {
    /** The chart's own name: the reference's last path segment. */
    public String name() {
      return reference.substring(reference.lastIndexOf('/') + 1);
    }
  }

  private final String text;
  private final Map<String, String> variables = new LinkedHashMap<>();

  private HelmMakefile(String text) {
    this.text = text;
    Matcher m = ASSIGNMENT.matcher(text);
    while (m.find()) {
      variables.put(m.group(1), m.group(2).trim());
    }
  }

  public static HelmMakefile read() {
    return read(Repo.path("helm/Makefile"));
  }

  public static HelmMakefile read(Path file) {
    try {
      return new HelmMakefile(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String text() {
    return text;
  }

  public Map<String, String> variables() {
    return variables;
  }

  /** The recipe lines with backslash continuations joined: one install per line. */
  public List<String> logicalLines() {
    return List.of(text.replace("\\\n", " ").split("\n"));
  }

  /** Every {@code X_CHART} variable with its {@code X_VERSION}, in the Makefile's order. */
  public List<PinnedChart> pinnedCharts() {
    List<PinnedChart> charts = new ArrayList<>();
    for (String key : variables.keySet()) {
      if (!key.endsWith("_CHART")) {
        continue;
      }
      String prefix = key.substring(0, key.length() - "_CHART".length());
      List<String> values = new ArrayList<>();
      for (String line : logicalLines()) {
        if (line.contains("$(" + key + ")")) {
          Matcher m = VALUES.matcher(line);
          while (m.find()) {
            if (!values.contains(m.group(1))) {
              values.add(m.group(1));
            }
          }
        }
      }
      charts.add(
          new PinnedChart(prefix, variables.get(key), variables.get(prefix + "_VERSION"), values));
    }
    return charts;
  }

  /** The prerequisites of a target ({@code platform: a b c}). */
  public List<String> prerequisites(String target) {
    Matcher m =
        Pattern.compile("^" + Pattern.quote(target) + ": (.+)$", Pattern.MULTILINE).matcher(text);
    if (!m.find()) {
      throw new AssertionError("helm/Makefile has no target " + target);
    }
    return List.of(m.group(1).trim().split("\\s+"));
  }

  private static final Pattern SUB_MAKE = Pattern.compile("\\$\\(MAKE\\) ([a-z0-9-]+)");

  /**
   * The recipe of a target: its lines up to the next blank line, continuations joined, followed by
   * the recipes of the targets it runs with {@code $(MAKE) other}.
   */
  public String recipe(String target) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(target) + ":.*$").matcher(text);
    if (!m.find()) {
      throw new AssertionError("helm/Makefile has no target " + target);
    }
    int end = text.indexOf("\n\n", m.end());
    String recipe = text.substring(m.end(), end < 0 ? text.length() : end).replace("\\\n", " ");
    StringBuilder all = new StringBuilder(recipe);
    Matcher sub = SUB_MAKE.matcher(recipe);
    while (sub.find()) {
      all.append('\n').append(recipe(sub.group(1)));
    }
    return all.toString();
  }
}
