package io.lagscaler.platform;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths inside the repository, found from the system property the Maven build sets. */
public final class Repo {
  private Repo() {}

  public static Path root() {
    String root = System.getProperty("lagscaler.repoRoot");
    if (root == null) {
      throw new IllegalStateException(
          "system property lagscaler.repoRoot is not set: run the tests through Maven (./mvnw)");
    }
    Path path = Path.of(root).toAbsolutePath().normalize();
    if (!Files.isRegularFile(path.resolve("pom.xml"))) {
      throw new IllegalStateException(path + " is not the repository root (no pom.xml)");
    }
    return path;
  }

  public static Path path(String relative) {
    return root().resolve(relative);
  }
}
