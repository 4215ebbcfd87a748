package io.lagscaler.services.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed reads of environment variables that collect every problem instead of stopping at the first,
 * so a misconfigured pod reports all its bad variables in one start. Call {@link #validate()} once
 * everything is read.
 */
public final class Env {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> vars;
  private final List<String> errors = new ArrayList<>();

  private Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  public static Env of(Map<String, String> vars) {
    return new Env(vars);
  }

  public static Env system() {
    return of(System.getenv());
  }

  private Optional<String> raw(String name) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  public String string(String name, String defaultValue) {
    return raw(name).orElse(defaultValue);
  }

  public Optional<String> optional(String name) {
    return raw(name);
  }

  public String oneOf(String name, String defaultValue, Set<String> allowed) {
    String value = string(name, defaultValue);
    if (!allowed.contains(value)) {
      errors.add(name + "=" + value + ": must be one of " + allowed.stream().sorted().toList());
      return defaultValue;
    }
    return value;
  }

  public int integer(String name, int defaultValue, int min, int max) {
    Optional<String> value = raw(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed < min || parsed > max) {
        errors.add(name + "=" + parsed + ": must be between " + min + " and " + max);
        return defaultValue;
      }
      return parsed;
    } catch (NumberFormatException e) {
      errors.add(name + "=" + value.get() + ": not an integer");
      return defaultValue;
    }
  }

  public double decimal(String name, double defaultValue, double min, double max) {
    Optional<String> value = raw(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      double parsed = Double.parseDouble(value.get());
      if (!(parsed >= min && parsed <= max)) {
        errors.add(name + "=" + value.get() + ": must be between " + min + " and " + max);
        return defaultValue;
      }
      return parsed;
    } catch (NumberFormatException e) {
      errors.add(name + "=" + value.get() + ": not a number");
      return defaultValue;
    }
  }

  /** A duration written as a number and a unit: {@code 250ms}, {@code 30s}, {@code 5m}, ... */
  public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
    Optional<String> value = raw(name);
    if (value.isEmpty()) {
      return defaultValue;
    }
    Matcher m = DURATION.matcher(value.get());
    if (!m.matches()) {
      errors.add(name + "=" + value.get() + ": not a duration (use e.g. 250ms, 30s, 5m, 1h, 8d)");
      return defaultValue;
    }
    long amount = Long.parseLong(m.group(1));
    Duration parsed =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          case "h" -> Duration.ofHours(amount);
          default -> Duration.ofDays(amount);
        };
    if (parsed.compareTo(min) < 0 || parsed.compareTo(max) > 0) {
      errors.add(name + "=" + value.get() + ": must be between " + min + " and " + max);
      return defaultValue;
    }
    return parsed;
  }

  /** Records a problem found by a check across several variables. */
  public void reject(String message) {
    errors.add(message);
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  /** Throws one exception naming every bad variable, if there were any. */
  public void validate() {
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
  }
}
