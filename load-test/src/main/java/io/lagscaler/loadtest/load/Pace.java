package io.lagscaler.loadtest.load;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Whether the generator keeps up with its profile, judged once a second from its totals: it is
 * behind when, over the last {@link #WINDOW_SECONDS} seconds, fewer than 98% of the orders that
 * fell due were answered while sends back up: more than 2% of those orders are due and not sent
 * yet, held by the bound on sends in flight or a blocked sink. Answers that are merely slow, with
 * nothing waiting to be sent, are latency, not a generator falling behind. A shorter window would
 * flag the one-second jitter of a low rate; answers that fail count as answered here (the report
 * counts them as failures).
 */
public final class Pace {

  public static final int WINDOW_SECONDS = 5;
  public static final double TOLERANCE = 0.02;

  /**
   * One second: the target and achieved rates since the previous one, per second of wall time (a
   * late sample covers more than a second, and the one after it less), and the verdict.
   */
  public record Second(
      int second, double targetRate, double achievedRate, long backlog, boolean behind) {}

  private record Totals(double at, double due, long acknowledged, long answered) {}

  private final Deque<Totals> window = new ArrayDeque<>();
  private Totals last = new Totals(0, 0, 0, 0);
  private int secondsBehind;

  /** Adds the totals at the end of {@code second} and judges the window that ends there. */
  public Second add(int second, LoadGenerator.Snapshot s) {
    return add(
        second,
        s.seconds(),
        s.due(),
        s.acknowledged(),
        s.acknowledged() + s.failedTotal(),
        s.waiting());
  }

  /**
   * @param at when the totals were taken, in seconds of wall time since the start
   */
  Second add(int second, double at, double due, long acknowledged, long answered, long waiting) {
    Totals now = new Totals(at, due, acknowledged, answered);
    window.addLast(last);
    if (window.size() > WINDOW_SECONDS) {
      window.removeFirst();
    }
    Totals from = window.getFirst();
    double dueInWindow = now.due() - from.due();
    long answeredInWindow = now.answered() - from.answered();
    boolean behind =
        window.size() == WINDOW_SECONDS
            && dueInWindow >= 1
            // An order due this very tick waits too: only a backlog beyond the tolerance counts.
            && waiting > TOLERANCE * dueInWindow
            && answeredInWindow < (1 - TOLERANCE) * dueInWindow;
    if (behind) {
      secondsBehind++;
    }
    double elapsed = Math.max(0.05, now.at() - last.at());
    Second result =
        new Second(
            second,
            (now.due() - last.due()) / elapsed,
            (now.acknowledged() - last.acknowledged()) / elapsed,
            Math.max(0, (long) Math.floor(now.due()) - now.answered()),
            behind);
    last = now;
    return result;
  }

  /** Seconds judged behind so far. */
  public int secondsBehind() {
    return secondsBehind;
  }
}
