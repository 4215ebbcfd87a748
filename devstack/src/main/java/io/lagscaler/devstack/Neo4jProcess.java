package io.lagscaler.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A real Neo4j in a child JVM, for a local stack that outlives a test (the chaos and throughput
 * commands). The harness is heavy and must never be shaded into a tool or service jar, so the child
 * runs from the class path that this module's build wrote ({@code neo4j-classpath.txt}, by
 * maven-dependency-plugin build-classpath): it works on the machine that built devstack.
 */
public final class Neo4jProcess implements AutoCloseable {

  // Generous: on a shared 2-core machine under heavy load a cold Neo4j JVM took over 90 s.
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final String heap;
  private final int port;
  private final Path dir;
  private Process process;
  private Path log;
  private int starts;

  private Neo4jProcess(String heap, int port, Path dir) {
    this.heap = heap;
    this.port = port;
    this.dir = dir;
  }

  /** Starts Neo4j on a free loopback port and waits until Bolt accepts connections. */
  public static Neo4jProcess start(String heap) {
    try {
      Neo4jProcess handle =
          new Neo4jProcess(
              heap, ChildProcesses.freePort(), Files.createTempDirectory("lagscaler-neo4j-"));
      Runtime.getRuntime().addShutdownHook(new Thread(handle::close, "neo4j-process-stop"));
      handle.launch();
      return handle;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a Neo4j process", e);
    }
  }

  private synchronized void launch() throws IOException {
    // A log per start, so the ready line of an earlier start is never mistaken for this one's.
    log = dir.resolve("neo4j-" + ++starts + ".log");
    // Harness first so its versions win; our own code source last, for Neo4jServerMain only.
    String classPath = harnessClassPath() + java.io.File.pathSeparator + ownCodeSource();
    process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    heap,
                    "-XX:+UseSerialGC",
                    "--sun-misc-unsafe-memory-access=allow",
                    "--enable-native-access=ALL-UNNAMED",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp",
                    classPath,
                    Neo4jServerMain.class.getName(),
                    Integer.toString(port),
                    dir.resolve("home").toString()))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    awaitPort();
  }

  /**
   * Stops the Neo4j process (SIGTERM: a clean database shutdown; SIGKILL after 20 s), an outage;
   * {@link #restart()} starts a new process on the same port and store.
   */
  public synchronized void stop() {
    if (process != null) {
      ChildProcesses.stop(process, Duration.ofSeconds(20));
      process = null;
    }
  }

  /** Starts Neo4j again, with the data it had, on the same port; waits until Bolt answers. */
  public synchronized void restart() {
    if (process == null) {
      try {
        launch();
      } catch (IOException e) {
        throw new UncheckedIOException("could not restart the Neo4j process", e);
      }
    }
  }

  static String harnessClassPath() throws IOException {
    try (InputStream in = Neo4jProcess.class.getResourceAsStream("neo4j-classpath.txt")) {
      if (in == null) {
        throw new IllegalStateException(
            "neo4j-classpath.txt is missing: build devstack with Maven (./mvnw -pl devstack"
                + " package) so that it records the Neo4j harness class path");
      }
      String classPath = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      String first = classPath.split(java.io.File.pathSeparator, 2)[0];
      if (!Files.exists(Path.of(first))) {
        throw new IllegalStateException(
            "the recorded Neo4j harness class path names " + first + ", which does not exist here");
      }
      return classPath;
    }
  }

  private static String ownCodeSource() {
    try {
      return Path.of(Neo4jProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI())
          .toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the devstack classes", e);
    }
  }

  private void awaitPort() {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Neo4j process exited: " + tail());
      }
      if (tail().contains("neo4j ready")) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return;
        } catch (IOException notYet) {
          // The ready line is printed just before Bolt may take the first connection.
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while starting Neo4j", e);
      }
    }
    close();
    throw new IllegalStateException("Neo4j did not start within " + START_TIMEOUT + ": " + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  public String boltUri() {
    return "bolt://127.0.0.1:" + port;
  }

  /** The running process's id; a restart changes it. */
  public synchronized long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    stop();
  }
}
