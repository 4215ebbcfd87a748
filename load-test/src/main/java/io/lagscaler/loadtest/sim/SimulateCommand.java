package io.lagscaler.loadtest.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.decide.ScalingPolicy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code simulate}: one scenario, one policy, one JSON line. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = "Run one scenario under one scaling policy in the deterministic group model.")
public final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--scenario", required = true, description = "scenario YAML")
  Path scenario;

  @Option(names = "--policy", required = true, description = "lag-scaler or keda")
  String policy;

  @Option(names = "--config", description = "lag-scaler policy overrides (YAML)")
  Path config;

  @Option(names = "--timeline", description = "write one CSV row per second here")
  Path timeline;

  @Option(names = "--json", description = "print the summary as one JSON line (the default)")
  boolean json;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    try {
      return run();
    } catch (IllegalArgumentException | java.nio.file.NoSuchFileException e) {
      // A bad scenario or option is the user's to fix: say what, without a stack trace.
      spec.commandLine().getErr().println("simulate: " + e.getMessage());
      return 2;
    }
  }

  private int run() throws IOException {
    Scenario s = Scenario.load(scenario);
    Autoscaler autoscaler = autoscaler(s, policy, config);
    Simulation.Run run = Simulation.run(s, autoscaler, timeline != null);
    if (timeline != null) {
      writeTimeline(timeline, run);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(new ObjectMapper().writeValueAsString(run.result()));
    out.flush();
    return 0;
  }

  static Autoscaler autoscaler(Scenario s, String policy, Path config) throws IOException {
    return switch (policy) {
      case "keda" -> {
        if (config != null) {
          throw new IllegalArgumentException("--config applies to lag-scaler only");
        }
        yield new KedaAutoscaler(s);
      }
      case "lag-scaler" -> {
        ScalingPolicy.Builder b = LagScalerAutoscaler.policyFor(s);
        ScalingPolicy p = config == null ? b.build() : PolicyConfig.apply(config, b);
        yield new LagScalerAutoscaler(p, Simulation.GROUP);
      }
      default ->
          throw new IllegalArgumentException("--policy must be lag-scaler or keda, was " + policy);
    };
  }

  static void writeTimeline(Path file, Simulation.Run run) throws IOException {
    StringBuilder csv =
        new StringBuilder("t,rate,lag,timeLagSeconds,replicas,readyReplicas,reason,need\n");
    for (Simulation.Row r : run.timeline()) {
      csv.append(r.t())
          .append(',')
          .append(String.format(Locale.ROOT, "%.1f", r.rate()))
          .append(',')
          .append(r.lag())
          .append(',')
          .append(String.format(Locale.ROOT, "%.1f", r.timeLagSeconds()))
          .append(',')
          .append(r.replicas())
          .append(',')
          .append(r.readyReplicas())
          .append(',')
          .append('"')
          .append(r.reason().replace("\"", "'"))
          .append('"')
          .append(',')
          .append(r.need())
          .append('\n');
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, csv);
  }
}
