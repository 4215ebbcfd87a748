package io.lagscaler.ops;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ops rollback}: a Helm release back to an earlier revision, only with --confirm. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Roll a Helm release back to an earlier revision (default: the one before the current)."
            + " Prints the history first; changes nothing without --confirm.")
final class RollbackCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin EnvironmentOptions target = new EnvironmentOptions();

  @Option(
      names = "--release",
      defaultValue = "retail-services",
      description = "The release (one of the environment's; default ${DEFAULT-VALUE}).")
  String release;

  @Option(names = "--revision", description = "The revision to go back to.")
  Integer revision;

  @Option(names = "--confirm", description = "Do it (without: show what would happen, exit 2).")
  boolean confirm;

  @Override
  public Integer call() {
    if (revision != null && revision < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--revision must be at least 1, was " + revision);
    }
    Environment environment = target.environment();
    if (!environment.releases().contains(release)) {
      throw new OpsException(
          "environment "
              + environment.name()
              + " has no release '"
              + release
              + "': its releases are "
              + String.join(", ", environment.releases()));
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = target.connect()) {
      HelmReleases helm = new HelmReleases(cluster);
      List<ReleaseRevision> history = helm.history(release);
      out.println(
          "History of "
              + release
              + " in "
              + environment.name()
              + " ("
              + environment.namespace()
              + "):");
      out.print(historyTable(history));
      int current = history.getLast().revision();
      int to = revision != null ? revision : current - 1;
      Optional<ReleaseRevision> chosen =
          history.stream().filter(h -> h.revision() == to).findFirst();
      if (to == current) {
        throw new OpsException(release + " is at revision " + current + " already");
      }
      if (chosen.isEmpty()) {
        throw new OpsException(
            "revision "
                + to
                + " of "
                + release
                + " is not in its history (stored: "
                + String.join(", ", history.stream().map(h -> "" + h.revision()).toList())
                + ")");
      }
      String plan =
          release
              + " from revision "
              + current
              + " to revision "
              + to
              + " ("
              + chosen.get().chart()
              + ", app "
              + chosen.get().appVersion()
              + ")";
      if (!confirm) {
        throw new OpsException("not rolled back: add --confirm to roll " + plan);
      }
      out.println("Rolling back " + plan + " ...");
      out.flush();
      DeployedRelease done = helm.rollback(release, to);
      out.println(
          "Rolled back: "
              + done.name()
              + " is at revision "
              + done.revision()
              + " ("
              + done.status()
              + ", "
              + done.chart()
              + "); follow it with ops status --env "
              + environment.name());
      out.flush();
      return 0;
    }
  }

  static String historyTable(List<ReleaseRevision> history) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"});
    for (ReleaseRevision h : history) {
      rows.add(
          new String[] {
            Integer.toString(h.revision()),
            h.updated().map(Object::toString).orElse("-"),
            h.status(),
            h.chart(),
            h.appVersion(),
            h.description()
          });
    }
    return Table.render(rows);
  }
}
