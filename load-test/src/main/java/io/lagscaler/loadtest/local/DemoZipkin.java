package io.lagscaler.loadtest.local;

import io.lagscaler.devstack.LoopbackServer;
import io.lagscaler.devstack.ZipkinServer;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's Zipkin: one real Zipkin server (in memory, on loopback) that every service of every
 * run reports its sampled orders to, so a trace runs from order-intake's HTTP request through Kafka
 * to both consumers.
 */
public final class DemoZipkin implements AutoCloseable {

  /**
   * About one order in fifty is traced: at the demo's 15 orders/s a complete trace exists within
   * seconds, and the services spend next to nothing on reporting.
   */
  static final double SAMPLE_RATE = 0.02;

  private final LoopbackServer server;

  private DemoZipkin(LoopbackServer server) {
    this.server = server;
  }

  /** Starts Zipkin from the jar the build put next to load-test's classes or jar. */
  public static DemoZipkin start(Path logDir) {
    return new DemoZipkin(ZipkinServer.start(jar(), logDir));
  }

  /**
   * {@code load-test/target/zipkin-server.jar}: the build copies it next to {@code load-test.jar}
   * and {@code target/classes}, so both a shaded-jar run and a test find it.
   */
  static Path jar() {
    try {
      // target/load-test.jar or target/classes: either way its parent is target/.
      Path code =
          Path.of(DemoZipkin.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return code.getParent().resolve("zipkin-server.jar");
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot tell where load-test's classes are", e);
    }
  }

  /** The Zipkin UI. */
  public String uiUrl() {
    return server.url() + "/zipkin/";
  }

  /** Zipkin's base URL (its API is under {@code /api/v2}). */
  public String url() {
    return server.url();
  }

  /** The UI page of one trace. */
  public String traceUrl(String traceId) {
    return server.url() + "/zipkin/traces/" + traceId;
  }

  /** What a service needs to report its sampled spans here (docs/services.md). */
  public Map<String, String> serviceEnv(double sampleRate) {
    return Map.of(
        "ZIPKIN_ENDPOINT",
        server.url() + "/api/v2/spans",
        "TRACING_SAMPLE_RATE",
        String.format(Locale.ROOT, "%.3f", sampleRate));
  }

  @Override
  public void close() {
    server.close();
  }
}
