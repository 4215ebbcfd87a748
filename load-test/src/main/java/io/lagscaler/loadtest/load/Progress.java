package io.lagscaler.loadtest.load;

import io.lagscaler.loadtest.report.RunResult.Sample;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The run's progress: one line rewritten in place every second on a terminal, a plain line every 10
 * s otherwise (a Job's log, a pipe), so logs stay readable.
 */
final class Progress {

  private static final int WIDTH = 24;
  private final PrintStream out;
  private final boolean terminal;
  private final int total;
  private boolean open;

  Progress(PrintStream out, boolean terminal, int totalSeconds) {
    this.out = out;
    this.terminal = terminal;
    this.total = totalSeconds;
  }

  void show(Sample s, boolean behind) {
    String line = line(s, behind);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      out.flush();
      open = true;
    } else if (s.second() % 10 == 0 || s.second() == total) {
      out.println(line);
    }
  }

  /** A message on its own line, never into the middle of the progress line. */
  void say(String message) {
    if (open) {
      out.println();
      open = false;
    }
    out.println(message);
  }

  void end() {
    if (open) {
      out.println();
      open = false;
    }
  }

  String line(Sample s, boolean behind) {
    int filled = total <= 0 ? WIDTH : Math.min(WIDTH, s.second() * WIDTH / total);
    return String.format(
        Locale.ROOT,
        "[%s%s] %4d/%ds  target %7.1f/s  achieved %7.1f/s  lag %s  replicas %s%s",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        s.second(),
        total,
        s.targetRate(),
        s.arrivalRate(),
        s.lag().isPresent()
            ? String.format(
                Locale.ROOT,
                "%d (%.0fs)",
                s.lag().getAsLong(),
                s.timeLagSeconds().orElse(Double.NaN))
            : "?",
        s.desired().isPresent()
            ? s.desired().getAsInt()
                + " desired "
                + (s.ready().isPresent() ? s.ready().getAsInt() : "?")
                + " ready "
                + s.reason()
            : "?",
        behind ? "  BEHIND" : "");
  }
}
