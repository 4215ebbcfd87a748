package io.lagscaler.loadtest.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the proof needs of a Grafana dashboard: its query variables, panel queries, annotations. */
record GrafanaDashboard(String uid, String title, List<Variable> variables, List<Query> queries) {

  /** A template variable whose values come from a query ({@code label_values(...)}). */
  record Variable(String name, String query, boolean multi) {}

  /** One PromQL expression of a panel (or of an annotation, with the annotation's name). */
  record Query(String panel, String refId, String expr) {}

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{(\\w+)(?::[^}]*)?}|\\$(\\w+)|\\[\\[(\\w+)]]");

  static GrafanaDashboard read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    List<Variable> variables = new ArrayList<>();
    for (JsonNode v : root.path("templating").path("list")) {
      if (v.path("type").asText().equals("query")) {
        JsonNode q = v.path("query");
        variables.add(
            new Variable(
                v.path("name").asText(),
                q.isObject() ? q.path("query").asText() : q.asText(),
                v.path("multi").asBoolean() || v.path("includeAll").asBoolean()));
      }
    }
    List<Query> queries = new ArrayList<>();
    collect(root.path("panels"), queries);
    for (JsonNode a : root.path("annotations").path("list")) {
      String expr = a.path("expr").asText(a.path("target").path("expr").asText(""));
      if (!expr.isBlank()) {
        queries.add(new Query("annotation: " + a.path("name").asText(), "annotation", expr));
      }
    }
    return new GrafanaDashboard(
        root.path("uid").asText(), root.path("title").asText(), variables, queries);
  }

  private static void collect(JsonNode panels, List<Query> into) {
    for (JsonNode panel : panels) {
      collect(panel.path("panels"), into); // a collapsed row holds its panels
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText("");
        if (!expr.isBlank() && !target.path("hide").asBoolean()) {
          into.add(new Query(panel.path("title").asText(), target.path("refId").asText(), expr));
        }
      }
    }
  }

  /**
   * {@code expr} with every {@code $var}, {@code ${var}}, {@code ${var:format}} and {@code [[var]]}
   * replaced by {@code values}.
   *
   * @throws IllegalArgumentException naming a variable {@code values} does not have
   */
  static String substitute(String expr, Function<String, String> values) {
    Matcher m = VARIABLE.matcher(expr);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      if (name.chars().allMatch(Character::isDigit)) {
        // $1 in label_replace: a regex group, which Grafana leaves alone.
        m.appendReplacement(out, Matcher.quoteReplacement(m.group()));
        continue;
      }
      String value = values.apply(name);
      if (value == null) {
        throw new IllegalArgumentException("unknown variable $" + name + " in: " + expr);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Grafana's value of a multi-value or All selection: the values as one regex alternation. */
  static String alternation(List<String> values) {
    List<String> escaped = new ArrayList<>();
    for (String v : values) {
      escaped.add(v.replaceAll("([.+*?()\\[\\]{}|^$\\\\])", "\\\\\\\\$1"));
    }
    return escaped.size() == 1 ? escaped.getFirst() : "(" + String.join("|", escaped) + ")";
  }

  /** {@code label_values(selector, label)} or {@code label_values(label)} as (selector, label). */
  static Map.Entry<String, String> labelValuesCall(String query) {
    Matcher m =
        Pattern.compile("^\\s*label_values\\((?:(.*),)?\\s*(\\w+)\\s*\\)\\s*$").matcher(query);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "variable query is not label_values(...), which the proof resolves: " + query);
    }
    return Map.entry(m.group(1) == null ? "" : m.group(1).strip(), m.group(2));
  }
}
