package io.lagscaler.observe.compat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.RepositorySystemSession;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.supplier.SessionBuilderSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * The class path of a Kafka release's broker ({@code org.apache.kafka:kafka_2.13:VERSION} and its
 * runtime dependencies, plus slf4j-simple for its log), resolved with Maven's own resolver from
 * Maven Central into the local repository Maven uses ({@code maven.repo.local}, else {@code
 * ~/.m2/repository}). Each release gets its own class path: none of it meets the project's Kafka.
 */
public final class KafkaReleases {

  private static final RemoteRepository CENTRAL =
      new RemoteRepository.Builder("central", "default", "https://repo.maven.apache.org/maven2/")
          .build();

  private KafkaReleases() {}

  /** The broker class path of {@code version}, entries joined with the path separator. */
  public static synchronized String brokerClassPath(String version) {
    Path localRepository =
        Path.of(
            System.getProperty(
                "maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
    RepositorySystem system = new RepositorySystemSupplier().get();
    try (RepositorySystemSession.CloseableSession session =
        new SessionBuilderSupplier(system)
            .get() // Maven's own scopes, selectors and conflict resolution
            .withLocalRepositoryBaseDirectories(localRepository)
            // Maven Central only, whatever other repositories the POMs on the way name.
            .setIgnoreArtifactDescriptorRepositories(true)
            // POM profiles activate on the JDK version: the model builder needs these.
            .setSystemProperties(System.getProperties())
            .build()) {
      CollectRequest collect = new CollectRequest();
      collect.setDependencies(
          List.of(
              new Dependency(
                  new DefaultArtifact("org.apache.kafka:kafka_2.13:" + version),
                  JavaScopes.RUNTIME),
              new Dependency(
                  new DefaultArtifact(
                      "org.slf4j:slf4j-simple:" + (version.startsWith("3.") ? "1.7.36" : "2.0.17")),
                  JavaScopes.RUNTIME)));
      collect.setRepositories(List.of(CENTRAL));
      List<ArtifactResult> results =
          system
              .resolveDependencies(
                  session,
                  new DependencyRequest(
                      collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME)))
              .getArtifactResults();
      return results.stream()
          .map(r -> r.getArtifact().getPath().toAbsolutePath().toString())
          .collect(Collectors.joining(File.pathSeparator));
    } catch (DependencyResolutionException e) {
      throw new IllegalStateException(
          "could not resolve Kafka " + version + "'s broker from Maven Central: " + e.getMessage(),
          e);
    } finally {
      system.shutdown();
    }
  }
}
