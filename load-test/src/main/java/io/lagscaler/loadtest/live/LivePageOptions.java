package io.lagscaler.loadtest.live;

import java.io.PrintStream;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The live page's options, shared by {@code demo} and {@code run}. */
public final class LivePageOptions {

  @Option(
      names = "--no-browser-page",
      description = "Do not serve the live page (charts and decision log, updated every second).")
  boolean off;

  @Option(
      names = "--page-port",
      defaultValue = "0",
      description =
          "Port of the live page on 127.0.0.1 (default 0: a free one; the URL is printed).")
  int port;

  /** The page while it is served; closing it stops the server. */
  public record Served(Optional<LivePage> page) implements AutoCloseable {
    @Override
    public void close() {
      page.ifPresent(LivePage::close);
    }
  }

  /** Serves {@code board} unless turned off, and prints where. */
  public Served serve(LiveBoard board, PrintStream out, String prefix, CommandLine command) {
    if (off) {
      return new Served(Optional.empty());
    }
    if (port < 0 || port > 65535) {
      throw new CommandLine.ParameterException(
          command, "--page-port must be 0 to 65535, was " + port);
    }
    LivePage page = LivePage.start("127.0.0.1", port, board);
    out.println(
        prefix
            + " live page: "
            + page.url()
            + " (charts and decisions every second; --no-browser-page turns it off)");
    return new Served(Optional.of(page));
  }
}
