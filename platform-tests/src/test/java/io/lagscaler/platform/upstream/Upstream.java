package io.lagscaler.platform.upstream;

import io.lagscaler.platform.Repo;
import io.lagscaler.platform.helm.Charts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The upstream charts' values and the operators' CRDs, kept as data in {@code ../shared/upstream}
 * beside the repository (CI lays {@code shared/} beside the clone; its README names each source and
 * revision).
 */
public final class Upstream {

  private Upstream() {}

  public static Path root() {
    Path root = Repo.root().resolve("../shared/upstream").normalize();
    if (!Files.isDirectory(root.resolve("charts"))) {
      throw new IllegalStateException(
          root + " is missing: the upstream chart values and CRDs must sit beside the repository");
    }
    return root;
  }

  /** The folder of chart NAME at VERSION, if shared/upstream holds that version. */
  public static Optional<Path> chart(String name, String version) {
    Path folder = root().resolve("charts").resolve(name + "-" + version);
    return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
  }

  /** The versions of chart NAME that shared/upstream does hold (to say what is there instead). */
  public static List<String> versionsOf(String name) {
    try (Stream<Path> folders = Files.list(root().resolve("charts"))) {
      return folders
          .map(f -> f.getFileName().toString())
          .filter(f -> f.startsWith(name + "-") && f.substring(name.length() + 1).matches("\\d.*"))
          .map(f -> f.substring(name.length() + 1))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Map<String, Object> values(Path chartFolder) {
    return Charts.readYaml(chartFolder.resolve("values.yaml"));
  }

  public static Optional<Path> schema(Path chartFolder) {
    Path schema = chartFolder.resolve("values.schema.json");
    return Files.isRegularFile(schema) ? Optional.of(schema) : Optional.empty();
  }

  /** The CRD folder crds/NAME-VERSION (strimzi-0.48.0, argo-cd-3.4.4, ...). */
  public static Path crds(String nameAndVersion) {
    Path folder = root().resolve("crds").resolve(nameAndVersion);
    if (!Files.isDirectory(folder)) {
      throw new IllegalStateException("no CRDs in " + folder);
    }
    return folder;
  }
}
