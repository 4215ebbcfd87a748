package io.lagscaler.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar load-test/target/load-test.jar}: benchmarks, simulator, load and demo. */
@Command(
    name = "load-test",
    mixinStandardHelpOptions = true,
    description = "Benchmarks, the policy simulator, load generation and the local demo.",
    // One command per line, kept in this order, so parallel additions merge cleanly.
    subcommands = {
      ObserveDemoCommand.class,
      PollBenchCommand.class,
      ControllerBenchCommand.class,
      io.lagscaler.loadtest.sim.SimulateCommand.class,
      io.lagscaler.loadtest.sim.SimulateAllCommand.class,
      io.lagscaler.loadtest.services.ChaosCommand.class,
      io.lagscaler.loadtest.services.ThroughputCommand.class,
      io.lagscaler.loadtest.local.DemoCommand.class,
      io.lagscaler.loadtest.load.RunCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class LoadTestMain {

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTestMain()).execute(args));
  }
}
