package io.lagscaler.ops;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar ops/target/ops.jar}: operating the deployed environments of docs/deploy.md
 * (logs, rollback, status), reached through the kubeconfig context each one names.
 */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    description = "Operate lag-scaler's environments: logs, rollback, status.",
    subcommands = {
      LogsCommand.class,
      RollbackCommand.class,
      StatusCommand.class,
      CommandLine.HelpCommand.class
    })
public final class OpsMain {

  /** An environment, kubeconfig or cluster problem, a refusal, or a usage error. */
  public static final int ERROR = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its exit codes: 2 and one line naming the problem for what people fix.
   */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new OpsMain());
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof OpsException) {
            line.getErr().println("ops: " + e.getMessage());
            line.getErr().flush();
            return ERROR;
          }
          throw e;
        });
    return cli;
  }
}
