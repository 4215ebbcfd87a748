package io.lagscaler.devstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Redis's Prometheus exporter, the metric names the platform chart's Redis serves. */
public final class RedisExporter {

  private RedisExporter() {}

  /**
   * Starts Redis's Prometheus exporter ({@code prometheus-redis-exporter}, Debian's package, or
   * {@code redis_exporter}) for the Redis at {@code redisUri}, if one is installed: the metric
   * names the platform chart's Redis exporter serves.
   */
  public static Optional<LoopbackServer> startIfInstalled(String redisUri, Path dir) {
    return LoopbackServer.onPath("prometheus-redis-exporter", "redis_exporter")
        .map(
            binary -> {
              int port = ChildProcesses.freePort();
              return LoopbackServer.start(
                  "redis-exporter",
                  List.of(
                      binary.toString(),
                      "-redis.addr=" + redisUri,
                      "-web.listen-address=127.0.0.1:" + port),
                  dir,
                  port,
                  "/metrics",
                  Duration.ofSeconds(20));
            });
  }
}
