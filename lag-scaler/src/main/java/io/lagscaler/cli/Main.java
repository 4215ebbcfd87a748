package io.lagscaler.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar lag-scaler/target/lag-scaler.jar}: the controller and its tools. */
@Command(
    name = "lag-scaler",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Autoscales Kafka consumers on Kubernetes from lag, time lag and rates.",
    subcommands = {
      RunCommand.class,
      LagCommand.class,
      ValidateConfigCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with lag-scaler's exit codes: 2 for usage errors. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setExitCodeExceptionMapper(e -> ExitCodes.ERROR);
  }

  /** Exit codes shared by every subcommand. */
  public static final class ExitCodes {
    public static final int OK = 0;

    /** Bad input, unreachable broker, unknown group: the message says which. */
    public static final int ERROR = 2;

    private ExitCodes() {}
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"lag-scaler " + (v == null ? "(development build)" : v)};
    }
  }
}
