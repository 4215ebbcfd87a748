package io.lagscaler.ops;

import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ops status}: the releases, and lag-scaler's view of every target. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "The environment's Helm releases (revision, status) and lag-scaler's view of every target"
            + " (group, time lag against its target, replicas, last decision and its reason).")
final class StatusCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin EnvironmentOptions target = new EnvironmentOptions();

  @Option(
      names = "--scaler-url",
      description =
          "Read /status from this URL (lag-scaler's HTTP root, e.g. http://127.0.0.1:8080 after"
              + " kubectl port-forward svc/lag-scaler 8080) instead of through the API server.")
  URI scalerUrl;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = target.connect()) {
      Environment environment = cluster.environment();
      out.println("Releases in " + environment.name() + " (" + environment.namespace() + "):");
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"NAME", "REVISION", "STATUS", "CHART", "APP VERSION", "UPDATED"});
      for (DeployedRelease r : new HelmReleases(cluster).list()) {
        rows.add(
            new String[] {
              r.name(),
              r.revision(),
              r.status(),
              r.chart(),
              r.appVersion(),
              r.updated().map(Object::toString).orElse("-")
            });
      }
      out.print(rows.size() == 1 ? "  none\n" : Table.render(rows));
      out.println();
      out.flush();
      ScalerStatus.View view;
      try {
        view = scalerUrl != null ? ScalerStatus.read(scalerUrl) : ScalerStatus.read(cluster);
      } catch (OpsException e) {
        // The releases above still stand: say what is missing, and exit 1 (partly answered).
        out.println("lag-scaler: unavailable: " + e.getMessage());
        out.flush();
        return 1;
      }
      out.print(scalerTable(view));
      out.flush();
      return 0;
    }
  }

  static String scalerTable(ScalerStatus.View view) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "lag-scaler (answered by %s, %s; leader: %s)%s%n",
                view.identity(),
                view.leader() ? "the leader" : "a standby",
                view.currentLeader().orElse("unknown"),
                view.configRejection().map(m -> "; LAST CONFIG CHANGE REJECTED: " + m).orElse("")));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TARGET", "GROUP", "TIME LAG / TARGET", "REPLICAS", "REASON", "ACTION"});
    for (ScalerStatus.Target t : view.targets()) {
      rows.add(
          new String[] {
            t.name(),
            t.group(),
            seconds(t.timeLagSeconds()) + " / " + seconds(t.targetLagSeconds()),
            t.ready() + "/" + t.desired() + " ready",
            t.reason().orElse("-"),
            t.action() + t.error().map(e -> " (" + e + ")").orElse("")
          });
    }
    out.append(Table.render(rows));
    for (ScalerStatus.Target t : view.targets()) {
      t.explanation()
          .ifPresent(e -> out.append("  ").append(t.name()).append(": ").append(e).append('\n'));
    }
    return out.toString();
  }

  private static String seconds(OptionalDouble value) {
    return value.isPresent() ? String.format(Locale.ROOT, "%.1fs", value.getAsDouble()) : "?";
  }
}
