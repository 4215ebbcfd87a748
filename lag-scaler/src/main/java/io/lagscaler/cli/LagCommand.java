package io.lagscaler.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lagscaler.explain.SignalsView;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.GroupState;
import io.lagscaler.observe.KafkaUnavailableException;
import io.lagscaler.observe.LagReader;
import io.lagscaler.observe.OffsetReset;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lag}: what the scaler sees now, per group. */
@Command(
    name = "lag",
    mixinStandardHelpOptions = true,
    description = {
      "Shows what lag-scaler sees of consumer groups: state, members, protocol, lag, time lag,"
          + " rates and partition status.",
      "It samples for a few seconds first so that rates and time lag exist.",
      "Exit code 2 when the broker cannot be reached or a named group does not exist."
    })
public final class LagCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = {"--bootstrap-server", "-b"},
      required = true,
      paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers.")
  String bootstrapServer;

  @Option(
      names = {"--group", "-g"},
      paramLabel = "GROUP",
      description = "A consumer group to show (repeatable). Default: every consumer group.")
  List<String> groups = new ArrayList<>();

  @Option(names = "--partitions", description = "Show every partition, not only group totals.")
  boolean partitions;

  @Option(names = "--json", description = "Print JSON instead of a table.")
  boolean json;

  @Option(
      names = "--sample",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "How long to sample before printing (default: ${DEFAULT-VALUE}).")
  Duration sample;

  @Option(
      names = "--interval",
      defaultValue = "1s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "Time between samples (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--timeout",
      defaultValue = "5s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "Kafka request timeout (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--offset-reset",
      defaultValue = "LATEST",
      paramLabel = "POLICY",
      description =
          "The groups' auto.offset.reset, for partitions without a commit: ${COMPLETION-CANDIDATES}"
              + " (default: ${DEFAULT-VALUE}).")
  OffsetReset offsetReset;

  @Option(
      names = "--command-config",
      paramLabel = "FILE",
      description = "Kafka client properties (security settings) to add.")
  Path commandConfig;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (LagReader reader =
        LagReader.connect(
            ClientProperties.of(bootstrapServer, commandConfig), timeout, Clock.systemUTC())) {
      reader.checkReachable();
      List<String> ids = groups.isEmpty() ? reader.listGroupIds() : groups;
      if (ids.isEmpty()) {
        err.println("no consumer groups on " + bootstrapServer);
        return Main.ExitCodes.OK;
      }
      List<GroupQuery> queries =
          ids.stream()
              .map(
                  g ->
                      new GroupQuery(
                          g,
                          new TreeSet<>(),
                          io.lagscaler.observe.Isolation.READ_UNCOMMITTED,
                          offsetReset))
              .toList();
      SignalTracker tracker = new SignalTracker(SignalSettings.DEFAULTS);
      Map<String, GroupSignals> signals = Map.of();
      long samples = Math.max(2, sample.toMillis() / Math.max(1, interval.toMillis()) + 1);
      for (long i = 0; i < samples; i++) {
        if (i > 0) {
          Thread.sleep(interval);
        }
        Poll poll = reader.poll(queries);
        signals = tracker.update(poll, queries);
      }
      List<String> missing = new ArrayList<>();
      for (String g : groups) {
        if (signals.get(g) instanceof GroupSignals.Observed o
            && o.state() == GroupState.DEAD
            && o.partitions().isEmpty()) {
          missing.add(g);
        }
      }
      if (!missing.isEmpty()) {
        err.println(
            "consumer group"
                + (missing.size() > 1 ? "s " : " ")
                + String.join(", ", missing)
                + " not found on "
                + bootstrapServer
                + " (no members and no committed offsets)");
        return Main.ExitCodes.ERROR;
      }
      if (json) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.println(mapper.writeValueAsString(SignalsView.json(signals.values(), partitions)));
      } else {
        out.print(SignalsView.table(signals.values(), partitions));
      }
      out.flush();
      return Main.ExitCodes.OK;
    } catch (KafkaUnavailableException | IllegalArgumentException e) {
      err.println("lag: " + e.getMessage());
      return Main.ExitCodes.ERROR;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
