package io.lagscaler.ops;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The environments file ({@code helm/environments.yaml}, bundled in the jar): every error names the
 * field at fault, all of them at once.
 */
public final class Environments {

  private static final String BUNDLED = "environments.yaml";

  private final Map<String, Environment> byName;

  private Environments(Map<String, Environment> byName) {
    this.byName = byName;
  }

  /** {@code file}, or else the copy of {@code helm/environments.yaml} built into the jar. */
  public static Environments load(Optional<Path> file) {
    if (file.isPresent()) {
      try {
        return parse(Files.readString(file.get()), file.get().toString());
      } catch (IOException e) {
        throw new OpsException("cannot read environments file " + file.get() + ": " + e, e);
      }
    }
    try (InputStream in = Environments.class.getResourceAsStream(BUNDLED)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + BUNDLED + ": a broken build");
      }
      return parse(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), BUNDLED);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled " + BUNDLED, e);
    }
  }

  static Environments parse(String yaml, String origin) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (RuntimeException e) {
      throw new OpsException(origin + " is not valid YAML: " + e.getMessage(), e);
    }
    List<String> errors = new ArrayList<>();
    Map<String, Environment> byName = new LinkedHashMap<>();
    if (!(root instanceof Map<?, ?> top) || !(top.get("environments") instanceof Map<?, ?> envs)) {
      throw new OpsException(origin + ": environments: a map of environment names is required");
    }
    envs.forEach(
        (name, value) -> {
          String path = "environments." + name;
          if (!(value instanceof Map<?, ?> env)) {
            errors.add(path + ": must be a map");
            return;
          }
          String context = text(env, "context", path, errors);
          String namespace = text(env, "namespace", path, errors);
          String service =
              env.containsKey("lagScalerService")
                  ? text(env, "lagScalerService", path, errors)
                  : "lag-scaler";
          List<String> releases = new ArrayList<>();
          if (env.get("releases") instanceof List<?> list && !list.isEmpty()) {
            list.forEach(r -> releases.add(String.valueOf(r)));
          } else {
            errors.add(path + ".releases: a non-empty list of Helm release names is required");
          }
          byName.put(
              String.valueOf(name),
              new Environment(String.valueOf(name), context, namespace, releases, service));
        });
    if (!errors.isEmpty()) {
      throw new OpsException(origin + ": " + String.join("; ", errors));
    }
    return new Environments(byName);
  }

  private static String text(Map<?, ?> map, String key, String path, List<String> errors) {
    Object value = map.get(key);
    if (value instanceof String s && !s.isBlank()) {
      return s;
    }
    errors.add(path + "." + key + ": a non-empty string is required");
    return "";
  }

  /**
   * The environment called {@code name}.
   *
   * @throws OpsException naming the known environments when there is none by that name
   */
  public Environment get(String name) {
    Environment env = byName.get(name);
    if (env == null) {
      throw new OpsException(
          "unknown environment '" + name + "': known are " + String.join(", ", byName.keySet()));
    }
    return env;
  }
}
