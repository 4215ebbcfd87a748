package io.lagscaler.devstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A server binary from the machine's packages (Prometheus, Redis's exporter) running on loopback as
 * a child process: started with its output in a log file, ready when an HTTP path answers 200,
 * stopped with SIGTERM (then SIGKILL) on close or when this JVM exits.
 */
public final class LoopbackServer implements AutoCloseable {

  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private LoopbackServer(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The first of {@code names} found on PATH, if any. */
  public static Optional<Path> onPath(String... names) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String name : names) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * Starts {@code command} (whose arguments already name {@code port}) in {@code dir} and waits
   * until {@code readyPath} on the port answers 200.
   */
  public static LoopbackServer start(
      String name, List<String> command, Path dir, int port, String readyPath, Duration timeout) {
    try {
      Files.createDirectories(dir);
      Path log = dir.resolve(name + ".log");
      Process process =
          new ProcessBuilder(new ArrayList<>(command))
              .directory(dir.toFile())
              .redirectOutput(log.toFile())
              .redirectErrorStream(true)
              .start();
      LoopbackServer server = new LoopbackServer(name, process, port, log);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, name + "-stop"));
      server.awaitReady(readyPath, timeout);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not start " + name + " (" + command.getFirst() + ")", e);
    }
  }

  private void awaitReady(String path, Duration timeout) {
    URI uri = URI.create(url() + path);
    Instant deadline = Instant.now().plus(timeout);
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build()) {
      while (Instant.now().isBefore(deadline)) {
        if (!process.isAlive()) {
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + ": " + tail());
        }
        try {
          HttpResponse<Void> response =
              http.send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding());
          if (response.statusCode() == 200) {
            return;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
    close();
    throw new IllegalStateException(name + " was not ready on " + uri + " within " + timeout);
  }

  /** {@code http://127.0.0.1:port}. */
  public String url() {
    return "http://" + address();
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** The last lines the server printed, for error messages. */
  public String tail() {
    return ChildProcesses.tail(log);
  }

  @Override
  public void close() {
    ChildProcesses.stop(process, STOP_GRACE);
  }
}
