package io.lagscaler.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML mapping being read into typed values. Each read names its field once, with its type and
 * default; a wrong type or range adds an error with the field's path and the reader carries on, so
 * one pass reports every error. {@link #finish()} reports the fields nobody read: a typo must not
 * be ignored.
 */
final class Node {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

  private final String path;
  private final Map<String, Object> values;
  private final List<ConfigError> errors;
  private final Set<String> read = new LinkedHashSet<>();

  private Node(String path, Map<String, Object> values, List<ConfigError> errors) {
    this.path = path;
    this.values = values;
    this.errors = errors;
  }

  static Node root(Map<String, Object> values, List<ConfigError> errors) {
    return new Node("", values, errors);
  }

  String path() {
    return path;
  }

  /** The keys of this mapping, as written. */
  List<String> keys() {
    return new ArrayList<>(values.keySet());
  }

  /** Errors recorded so far in the whole config (to tell whether a section added any). */
  int errorCount() {
    return errors.size();
  }

  String path(String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  void error(String field, String message) {
    errors.add(new ConfigError(field == null ? path : path(field), message));
  }

  boolean has(String field) {
    return values.containsKey(field) && values.get(field) != null;
  }

  /** A nested mapping; empty (with an error) when the field is not a mapping. */
  Optional<Node> child(String field) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Map<?, ?> m) {
      return Optional.of(new Node(path(field), stringKeys(m, path(field)), errors));
    }
    error(field, "must be a mapping, was " + describe(v));
    return Optional.empty();
  }

  /** A list of mappings. */
  List<Node> children(String field) {
    read.add(field);
    Object v = values.get(field);
    List<Node> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof List<?> list)) {
      error(field, "must be a list, was " + describe(v));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String itemPath = path(field) + "[" + i + "]";
      if (list.get(i) instanceof Map<?, ?> m) {
        out.add(new Node(itemPath, stringKeys(m, itemPath), errors));
      } else {
        errors.add(new ConfigError(itemPath, "must be a mapping, was " + describe(list.get(i))));
      }
    }
    return out;
  }

  Optional<String> string(String field) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String s && !s.isBlank()) {
      return Optional.of(s.trim());
    }
    if (v instanceof String) {
      error(field, "must not be blank");
      return Optional.empty();
    }
    error(field, "must be a string, was " + describe(v));
    return Optional.empty();
  }

  String requiredString(String field) {
    Optional<String> s = string(field);
    if (s.isEmpty() && !values.containsKey(field)) {
      error(field, "is required");
    }
    return s.orElse("");
  }

  List<String> strings(String field) {
    read.add(field);
    Object v = values.get(field);
    List<String> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof List<?> list)) {
      error(field, "must be a list of strings, was " + describe(v));
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) instanceof String s && !s.isBlank()) {
        out.add(s.trim());
      } else {
        errors.add(
            new ConfigError(
                path(field) + "[" + i + "]",
                "must be a non-blank string, was " + describe(list.get(i))));
      }
    }
    return out;
  }

  /** A mapping of string to scalar, as strings (Kafka client properties). */
  Map<String, String> stringMap(String field) {
    read.add(field);
    Object v = values.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null) {
      return out;
    }
    if (!(v instanceof Map<?, ?> m)) {
      error(field, "must be a mapping, was " + describe(v));
      return out;
    }
    m.forEach(
        (k, value) -> {
          if (value instanceof Map || value instanceof List || value == null) {
            errors.add(
                new ConfigError(path(field) + "." + k, "must be a scalar, was " + describe(value)));
          } else {
            out.put(String.valueOf(k), String.valueOf(value));
          }
        });
    return out;
  }

  int integer(String field, int fallback, int min, int max) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Integer i) {
      if (i < min || i > max) {
        error(field, i + " is out of range [" + min + ", " + max + "]");
        return fallback;
      }
      return i;
    }
    error(field, "must be an integer, was " + describe(v));
    return fallback;
  }

  long longValue(String field, long fallback, long min) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Integer || v instanceof Long) {
      long l = ((Number) v).longValue();
      if (l < min) {
        error(field, l + " is below the minimum " + min);
        return fallback;
      }
      return l;
    }
    error(field, "must be an integer, was " + describe(v));
    return fallback;
  }

  /** A number in (lowExclusive, high]. */
  double number(String field, double fallback, double lowExclusive, double high) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Number n) {
      double d = n.doubleValue();
      if (!(d > lowExclusive && d <= high)) {
        error(field, d + " is out of range (" + lowExclusive + ", " + high + "]");
        return fallback;
      }
      return d;
    }
    error(field, "must be a number, was " + describe(v));
    return fallback;
  }

  boolean bool(String field, boolean fallback) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    error(field, "must be true or false, was " + describe(v));
    return fallback;
  }

  /** A duration: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}; at least {@code min}. */
  Duration duration(String field, Duration fallback, Duration min) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s) {
      Matcher m = DURATION.matcher(s.trim());
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        Duration d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              default -> Duration.ofHours(n);
            };
        if (d.compareTo(min) < 0) {
          error(field, s + " is below the minimum " + human(min));
          return fallback;
        }
        return d;
      }
    }
    error(field, "must be a duration like 500ms, 30s, 5m or 1h, was " + describe(v));
    return fallback;
  }

  /** One of the enum's constants, written in any case, with - or _. */
  <E extends Enum<E>> E enumValue(String field, Class<E> type, E fallback) {
    read.add(field);
    Object v = values.get(field);
    if (v == null) {
      return fallback;
    }
    if (v instanceof String s) {
      String key = s.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(key)) {
          return e;
        }
      }
    }
    error(
        field,
        describe(v) + " is not one of " + allowed(type, e -> e.name().toLowerCase(Locale.ROOT)));
    return fallback;
  }

  /** Reports every field that no read asked for. */
  void finish() {
    for (String key : values.keySet()) {
      if (!read.contains(key)) {
        error(key, "unknown field" + suggestion(key));
      }
    }
  }

  private String suggestion(String key) {
    // Suggest the closest known field: typos are the usual cause.
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : read) {
      int d = distance(key.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = known;
      }
    }
    return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static <E extends Enum<E>> String allowed(Class<E> type, Function<E, String> name) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(name.apply(e));
    }
    return String.join(", ", names);
  }

  private Map<String, Object> stringKeys(Map<?, ?> m, String at) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (k instanceof String s) {
            out.put(s, v);
          } else {
            errors.add(new ConfigError(at, "key " + describe(k) + " must be a string"));
          }
        });
    return out;
  }

  static String describe(Object v) {
    if (v == null) {
      return "empty";
    }
    if (v instanceof String s) {
      return "'" + s + "'";
    }
    if (v instanceof Map) {
      return "a mapping";
    }
    if (v instanceof List) {
      return "a list";
    }
    return v.toString();
  }

  static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
