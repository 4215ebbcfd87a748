package io.lagscaler.ops;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import com.marcnuri.helm.ReleaseHistory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The environment's Helm releases through helm-java (Helm's own library, no {@code helm} binary):
 * the only class that imports it.
 */
final class HelmReleases {

  private final Cluster cluster;

  HelmReleases(Cluster cluster) {
    this.cluster = cluster;
  }

  /** Every release in the environment's namespace, whatever its status. */
  List<DeployedRelease> list() {
    List<Release> releases =
        helm(
            "list",
            () ->
                Helm.list()
                    .all()
                    .withNamespace(namespace())
                    .withKubeConfigContents(cluster.helmKubeconfig())
                    .call());
    return releases.stream()
        .map(
            r ->
                new DeployedRelease(
                    r.getName(),
                    r.getNamespace(),
                    r.getRevision(),
                    r.getStatus(),
                    r.getChart(),
                    r.getAppVersion(),
                    Optional.ofNullable(r.getLastDeployed())))
        .sorted(Comparator.comparing(DeployedRelease::name))
        .toList();
  }

  /** Every stored revision of {@code release}, oldest first. */
  List<ReleaseRevision> history(String release) {
    List<ReleaseHistory> history =
        helm(
            "history " + release,
            () ->
                Helm.history(release)
                    .withNamespace(namespace())
                    .withKubeConfigContents(cluster.helmKubeconfig())
                    .call());
    return history.stream()
        .map(
            h ->
                new ReleaseRevision(
                    h.getRevision(),
                    Optional.ofNullable(h.getUpdated()),
                    h.getStatus(),
                    h.getChart(),
                    h.getAppVersion(),
                    h.getDescription()))
        .sorted(Comparator.comparingInt(ReleaseRevision::revision))
        .toList();
  }

  /**
   * Rolls {@code release} back to {@code revision}: the revision's stored chart and values are
   * upgraded to as a new revision described "Rollback to N", which is what {@code helm rollback}
   * records. Unlike {@code helm rollback} it renders the stored chart again rather than reapplying
   * the stored manifest, and runs upgrade hooks rather than rollback hooks (the charts here have no
   * hooks, and their templates do not look up live objects, so both come to the same).
   */
  DeployedRelease rollback(String release, int revision) {
    StoredRelease stored = StoredRelease.read(cluster, release, revision);
    Path work = null;
    try {
      work = Files.createTempDirectory("ops-rollback-");
      Path chart = stored.writeChart(work.resolve("chart"));
      Path values = stored.writeValues(work.resolve("values.yaml"));
      Release done =
          helm(
              "rollback " + release + " to " + revision,
              () ->
                  new Helm(chart)
                      .upgrade()
                      .withName(release)
                      .withNamespace(namespace())
                      .withKubeConfigContents(cluster.helmKubeconfig())
                      .resetValues()
                      .withValuesFile(values)
                      .withDescription("Rollback to " + revision)
                      .call());
      return new DeployedRelease(
          done.getName(),
          done.getNamespace(),
          done.getRevision(),
          done.getStatus(),
          done.getChart(),
          done.getAppVersion(),
          Optional.ofNullable(done.getLastDeployed()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the stored chart", e);
    } finally {
      if (work != null) {
        deleteQuietly(work);
      }
    }
  }

  private String namespace() {
    return cluster.environment().namespace();
  }

  private static <T> T helm(String what, java.util.concurrent.Callable<T> call) {
    try {
      return call.call();
    } catch (RuntimeException e) {
      throw new OpsException("helm " + what + " failed: " + e.getMessage(), e);
    } catch (Exception e) {
      throw new OpsException("helm " + what + " failed: " + e, e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temporary directory: the OS cleans it eventually
    }
  }
}
