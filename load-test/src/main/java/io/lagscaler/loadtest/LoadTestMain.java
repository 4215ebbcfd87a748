package io.lagscaler.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar load-test/target/load-test.jar}: benchmarks, simulator, load and demo. */
@Command(
    name = "load-test",
    mixinStandardHelpOptions = true,
    description = "Benchmarks, the policy simulator, load generation and the local demo.",
    subcommands = {
      CommandLine.HelpCommand.class,
      io.lagscaler.loadtest.services.ChaosCommand.class,
      io.lagscaler.loadtest.services.ThroughputCommand.class
    })
public final class LoadTestMain {

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTestMain()).execute(args));
  }
}
