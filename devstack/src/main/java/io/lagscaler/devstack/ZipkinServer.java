package io.lagscaler.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Zipkin (the {@code io.zipkin:zipkin-server} exec jar, which a build copies from Maven
 * Central) on a free loopback port, keeping spans in memory: its UI is {@code /zipkin/}, spans go
 * to {@code /api/v2/spans}.
 */
public final class ZipkinServer {

  /** Enough for a demo's sampled orders; Zipkin drops the oldest traces beyond it. */
  private static final int MAX_SPANS = 200_000;

  private ZipkinServer() {}

  /**
   * Starts {@code java -jar jar} with in-memory storage, writing its log under {@code dir}; ready
   * when {@code /health} answers (5 to 15 s).
   *
   * @throws IllegalStateException when the jar is missing or Zipkin does not become ready
   */
  public static LoopbackServer start(Path jar, Path dir) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath()
              + " is missing: the build copies Zipkin's server there (./mvnw -pl load-test -am"
              + " package -DskipTests)");
    }
    int port = ChildProcesses.freePort();
    return LoopbackServer.start(
        "zipkin",
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-jar",
            jar.toAbsolutePath().toString(),
            "--armeria.ports[0].port=" + port,
            "--armeria.ports[0].ip=127.0.0.1",
            "--zipkin.storage.type=mem",
            "--zipkin.storage.mem.max-spans=" + MAX_SPANS,
            "--logging.level.root=WARN"),
        dir,
        port,
        "/health",
        Duration.ofSeconds(90));
  }
}
