package io.lagscaler.cli;

import io.lagscaler.config.ConfigParser;
import io.lagscaler.config.InvalidConfigException;
import io.lagscaler.config.ScalerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code validate-config FILE}: every error with its field path; exit 2 if any, 0 if valid. */
@Command(
    name = "validate-config",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a lag-scaler config file and prints every error with its field path.",
      "Exit code 0 for a valid file, 2 for an invalid one (empty, not YAML, unknown or mistyped"
          + " fields, contradictions)."
    })
public final class ValidateConfigCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE", description = "The config file (YAML).")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (MalformedInputException e) {
      err.println(file + ": not a UTF-8 text file");
      return Main.ExitCodes.ERROR;
    } catch (IOException e) {
      err.println(file + ": cannot read (" + e.getMessage() + ")");
      return Main.ExitCodes.ERROR;
    }
    try {
      ScalerConfig config = ConfigParser.parse(yaml);
      out.println(
          file
              + ": valid, "
              + config.targets().size()
              + (config.targets().size() == 1 ? " target" : " targets")
              + ", poll every "
              + config.pollInterval().toMillis() / 1000.0
              + " s");
      return Main.ExitCodes.OK;
    } catch (InvalidConfigException e) {
      err.println(file + ": " + e.getMessage());
      return Main.ExitCodes.ERROR;
    }
  }
}
