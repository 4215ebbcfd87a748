package io.lagscaler.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Prometheus server (the machine's {@code prometheus} binary, e.g. Debian's package) on a
 * free loopback port, with its own TSDB directory.
 */
public final class PrometheusServer {

  private PrometheusServer() {}

  /**
   * Starts Prometheus with {@code config}, storing under {@code dir}; ready when {@code /-/ready}
   * answers.
   *
   * @throws IllegalStateException when no {@code prometheus} binary is on PATH
   */
  public static LoopbackServer start(Path config, Path dir) {
    Path binary =
        LoopbackServer.onPath("prometheus")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "prometheus is not installed or not on PATH: install it (Debian: apt-get"
                            + " install prometheus)"));
    int port = ChildProcesses.freePort();
    return LoopbackServer.start(
        "prometheus",
        List.of(
            binary.toString(),
            "--config.file=" + config.toAbsolutePath(),
            "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(),
            "--web.listen-address=127.0.0.1:" + port,
            "--log.level=warn"),
        dir,
        port,
        "/-/ready",
        Duration.ofSeconds(30));
  }
}
