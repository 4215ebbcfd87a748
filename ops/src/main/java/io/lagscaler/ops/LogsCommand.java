package io.lagscaler.ops;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ops logs}: every pod's logs, merged by time, each line with its pod. */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description =
        "The logs of every pod of a service (or of the whole environment), interleaved by time"
            + " with the pod's name.")
final class LogsCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin EnvironmentOptions target = new EnvironmentOptions();

  @Option(
      names = "--service",
      description =
          "One service (its pods' app.kubernetes.io/name), e.g. store-totals; default all.")
  String service;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep streaming new lines (and pods that appear) until Ctrl-C.")
  boolean follow;

  @Option(
      names = "--lines",
      defaultValue = "100",
      description = "The last N lines of all pods together (default ${DEFAULT-VALUE}).")
  int lines;

  @Option(
      names = "--since",
      converter = DurationArgument.class,
      description = "Only lines newer than this, e.g. 10m.")
  Duration since;

  @Override
  public Integer call() throws Exception {
    if (lines < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--lines must be at least 1, was " + lines);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster cluster = target.connect()) {
      PodLogs logs = new PodLogs(cluster, Optional.ofNullable(service));
      if (!follow) {
        List<LogLine> recent = logs.recent(OptionalInt.of(lines), Optional.ofNullable(since));
        int width = recent.stream().mapToInt(l -> l.source().length()).max().orElse(1);
        recent.forEach(l -> out.println(l.format(width)));
        out.flush();
        return 0;
      }
      AtomicInteger width = new AtomicInteger(1);
      logs.follow(
          OptionalInt.of(lines),
          Optional.ofNullable(since),
          l -> {
            width.accumulateAndGet(l.source().length(), Math::max);
            out.println(l.format(width.get()));
            out.flush();
          });
      return 0;
    }
  }
}
