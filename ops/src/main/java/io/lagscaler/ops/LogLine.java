package io.lagscaler.ops;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;

/**
 * One line a container logged, with the time the kubelet stamped on it ({@code timestamps=true})
 * and where it came from (the pod, and the container when the pod has several).
 */
public record LogLine(Instant at, String source, String text) {

  /** By time; lines of the same instant keep their source's order (a stable sort). */
  public static final Comparator<LogLine> BY_TIME = Comparator.comparing(LogLine::at);

  /**
   * Parses {@code RFC3339NANO-timestamp SP text} as the log API writes it with timestamps; a line
   * without a readable stamp (none should have one) takes {@code previous}, so it stays beside the
   * line before it.
   */
  public static LogLine parse(String source, String raw, Instant previous) {
    int space = raw.indexOf(' ');
    if (space > 0) {
      try {
        return new LogLine(
            Instant.parse(raw.substring(0, space)), source, raw.substring(space + 1));
      } catch (DateTimeParseException notAStamp) {
        // fall through: keep the whole line
      }
    }
    return new LogLine(previous, source, raw);
  }

  /** {@code 2026-12-06T19:43:26.407Z store-totals-7d9f-abcde text}. */
  public String format(int sourceWidth) {
    return at + " " + String.format("%-" + Math.max(1, sourceWidth) + "s", source) + "  " + text;
  }
}
