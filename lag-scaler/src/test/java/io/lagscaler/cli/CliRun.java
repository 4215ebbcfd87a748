package io.lagscaler.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the lag-scaler command line in this JVM: exit code, standard output and error. */
record CliRun(int exit, String out, String err) {

  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
