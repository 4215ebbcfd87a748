package io.lagscaler.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in the form {@code kubectl -l} takes: requirements separated by
 * commas, all of which must hold: {@code key=value} (or {@code ==}), {@code key!=value}, {@code
 * key} (exists), {@code !key} (does not exist), {@code key in (a,b)}, {@code key notin (a,b)}.
 */
public record LabelSelector(String text, List<Requirement> requirements) {

  /** Selects every workload. */
  public static final LabelSelector EVERYTHING = new LabelSelector("", List.of());

  // A label key: an optional DNS-subdomain prefix and a name of at most 63 characters.
  private static final String KEY =
      "(?:[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";

  private static final String VALUE = "(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?";
  private static final Pattern EQUALS =
      Pattern.compile("(" + KEY + ")\\s*(==|=|!=)\\s*(" + VALUE + ")");
  private static final Pattern SET =
      Pattern.compile("(" + KEY + ")\\s+(in|notin)\\s+\\(([^()]*)\\)");
  private static final Pattern EXISTS = Pattern.compile("(!?)\\s*(" + KEY + ")");
  private static final Pattern VALUE_ONLY = Pattern.compile(VALUE);

  public LabelSelector {
    requirements = List.copyOf(requirements);
  }

  /** One requirement on one label. */
  public record Requirement(String key, Operator operator, Set<String> values) {
    public Requirement {
      values = Set.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String value = labels.get(key);
      return switch (operator) {
        case IN -> value != null && values.contains(value);
        case NOT_IN -> value == null || !values.contains(value);
        case EXISTS -> value != null;
        case DOES_NOT_EXIST -> value == null;
      };
    }
  }

  /** How a requirement compares; {@code =} is IN one value, {@code !=} NOT_IN one value. */
  public enum Operator {
    IN,
    NOT_IN,
    EXISTS,
    DOES_NOT_EXIST
  }

  public boolean matches(Map<String, String> labels) {
    return requirements.stream().allMatch(r -> r.matches(labels));
  }

  /**
   * Parses a selector.
   *
   * @throws IllegalArgumentException naming the requirement that is not valid
   */
  public static LabelSelector parse(String text) {
    List<Requirement> requirements = new ArrayList<>();
    for (String part : splitOutsideParentheses(text)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException("'" + text + "' has an empty requirement");
      }
      Matcher m;
      if ((m = SET.matcher(p)).matches()) {
        Set<String> values = new TreeSet<>();
        for (String v : m.group(3).split(",")) {
          String value = v.trim();
          if (!VALUE_ONLY.matcher(value).matches()) {
            throw new IllegalArgumentException(
                "'" + value + "' in '" + p + "' is not a label value");
          }
          values.add(value);
        }
        requirements.add(
            new Requirement(
                m.group(1), m.group(2).equals("in") ? Operator.IN : Operator.NOT_IN, values));
      } else if ((m = EQUALS.matcher(p)).matches()) {
        requirements.add(
            new Requirement(
                m.group(1),
                m.group(2).equals("!=") ? Operator.NOT_IN : Operator.IN,
                Set.of(m.group(3))));
      } else if ((m = EXISTS.matcher(p)).matches()) {
        requirements.add(
            new Requirement(
                m.group(2),
                m.group(1).isEmpty() ? Operator.EXISTS : Operator.DOES_NOT_EXIST,
                Set.of()));
      } else {
        throw new IllegalArgumentException(
            "'"
                + p
                + "' is not a label requirement (key=value, key!=value, key, !key, key in (a,b),"
                + " key notin (a,b))");
      }
    }
    return new LabelSelector(text, requirements);
  }

  private static List<String> splitOutsideParentheses(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }
}
