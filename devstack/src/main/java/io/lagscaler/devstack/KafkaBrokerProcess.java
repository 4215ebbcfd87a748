package io.lagscaler.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real single-node KRaft broker in a child JVM, for a local stack that outlives one test (the
 * demo, the benchmarks). It runs {@code kafka.Kafka} from this JVM's own class path, so it works
 * both from the Maven test class path and from a shaded jar that bundles the Kafka server.
 */
public final class KafkaBrokerProcess implements KafkaCluster {

  // Generous: on a shared 2-core machine under heavy load a broker start took over a minute.
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final Process process;
  private final Path dataDir;
  private final int port;
  private final boolean deleteOnClose;
  private final int metricsPort;
  private final Map<String, Integer> securedPorts;

  private KafkaBrokerProcess(
      Process process,
      Path dataDir,
      int port,
      boolean deleteOnClose,
      int metricsPort,
      Map<String, Integer> securedPorts) {
    this.process = process;
    this.dataDir = dataDir;
    this.port = port;
    this.deleteOnClose = deleteOnClose;
    this.metricsPort = metricsPort;
    this.securedPorts = securedPorts;
  }

  /** A SCRAM user the broker knows from the start (added when its storage is formatted). */
  public record ScramUser(String name, String password) {}

  /** Starts a broker on a free loopback port with a fresh temporary log directory. */
  public static KafkaBrokerProcess start() {
    return start(Map.of(), "-Xmx512m");
  }

  /**
   * Starts a broker; {@code overrides} are broker configs on top of the single-node defaults, and
   * {@code heap} is the child's -Xmx flag.
   */
  public static KafkaBrokerProcess start(Map<String, Object> overrides, String heap) {
    return start(overrides, heap, false, null, null, absoluteClassPath());
  }

  /**
   * A broker of another Kafka release: {@code classPath} holds that release's server jars and their
   * dependencies (never this JVM's own, whose Kafka is the project's), so one test can run brokers
   * of several releases side by side.
   */
  public static KafkaBrokerProcess startRelease(String classPath, Map<String, Object> overrides) {
    return start(overrides, "-Xmx512m", false, null, null, classPath);
  }

  /**
   * A broker that, beside its PLAINTEXT listener, listens with {@code SASL_SSL} (SCRAM-SHA-512,
   * knowing {@code user}) and with {@code SSL} requiring a client certificate (mutual TLS), using
   * {@code tls}'s stores: for testing clients' security settings against a real broker. {@link
   * #securedAddress} gives each listener's address.
   */
  public static KafkaBrokerProcess startSecured(TestTls tls, ScramUser user) {
    return start(Map.of(), "-Xmx512m", false, tls, user, absoluteClassPath());
  }

  /**
   * As {@link #start(Map, String)}, with the broker's metrics served for Prometheus by the JMX
   * exporter agent, using the platform chart's rules ({@code helm/platform/files/
   * kafka-metrics-config.yml}), so a local broker exposes the metric names a Strimzi broker does.
   */
  public static KafkaBrokerProcess startWithMetrics(Map<String, Object> overrides, String heap) {
    return start(overrides, heap, true, null, null, absoluteClassPath());
  }

  private static KafkaBrokerProcess start(
      Map<String, Object> overrides,
      String heap,
      boolean withMetrics,
      TestTls tls,
      ScramUser user,
      String classPath) {
    try {
      Path dir = Files.createTempDirectory("lagscaler-kafka-");
      int metricsPort = 0;
      List<String> jvmOptions = new ArrayList<>(List.of(heap));
      if (withMetrics) {
        metricsPort = ChildProcesses.freePort();
        Path agent = copyResource("jmx_prometheus_javaagent.jar", dir);
        Path rules = copyResource("kafka-metrics-config.yml", dir);
        jvmOptions.add("-javaagent:" + agent + "=127.0.0.1:" + metricsPort + ":" + rules);
      }
      int port = ChildProcesses.freePort();
      int controllerPort = ChildProcesses.freePort();
      Map<String, Object> config = new LinkedHashMap<>(LocalKafka.singleNodeDefaults());
      config.put("process.roles", "broker,controller");
      config.put("node.id", "1");
      config.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
      config.put(
          "listeners",
          "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
      config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
      config.put("controller.listener.names", "CONTROLLER");
      config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
      config.put("inter.broker.listener.name", "PLAINTEXT");
      config.put("log.dirs", dir.resolve("logs").toString());
      Map<String, Integer> securedPorts = new LinkedHashMap<>();
      List<String> scram = new ArrayList<>();
      if (tls != null) {
        securedPorts.put("SASL_SSL", ChildProcesses.freePort());
        securedPorts.put("SSL", ChildProcesses.freePort());
        secure(config, securedPorts, tls);
        scram.addAll(
            List.of(
                "--add-scram",
                "SCRAM-SHA-512=[name=" + user.name() + ",password=" + user.password() + "]"));
      }
      config.putAll(overrides);
      Path properties = dir.resolve("server.properties");
      Files.writeString(
          properties,
          config.entrySet().stream()
              .map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("\n", "", "\n")));

      String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
      List<String> format =
          new ArrayList<>(List.of("format", "-t", clusterId, "-c", properties.toString()));
      format.addAll(scram);
      Process formatting =
          java(
                  dir,
                  classPath,
                  List.of("-Xmx256m"),
                  "kafka.tools.StorageTool",
                  format.toArray(String[]::new))
              .redirectOutput(dir.resolve("format.log").toFile())
              .redirectErrorStream(true)
              .start();
      if (!formatting.waitFor(60, TimeUnit.SECONDS) || formatting.exitValue() != 0) {
        formatting.destroyForcibly();
        throw new IllegalStateException(
            "formatting the Kafka log directory failed: "
                + ChildProcesses.tail(dir.resolve("format.log")));
      }

      Process broker =
          java(dir, classPath, jvmOptions, "kafka.Kafka", properties.toString())
              .redirectOutput(dir.resolve("broker.log").toFile())
              .redirectErrorStream(true)
              .start();
      KafkaBrokerProcess handle =
          new KafkaBrokerProcess(broker, dir, port, true, metricsPort, securedPorts);
      // Stop the child even when the parent is killed with SIGTERM or exits without closing.
      Runtime.getRuntime().addShutdownHook(new Thread(handle::stopQuietly, "kafka-broker-stop"));
      handle.awaitPort();
      return handle;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start a Kafka broker process", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting a Kafka broker process", e);
    }
  }

  /** The SASL_SSL and SSL listeners of a {@link #startSecured secured} broker. */
  private static void secure(Map<String, Object> config, Map<String, Integer> ports, TestTls tls) {
    String plain = (String) config.get("listeners");
    String advertised = (String) config.get("advertised.listeners");
    for (var listener : ports.entrySet()) {
      String address = listener.getKey() + "://127.0.0.1:" + listener.getValue();
      plain += "," + address;
      advertised += "," + address;
    }
    config.put("listeners", plain);
    config.put("advertised.listeners", advertised);
    config.put(
        "listener.security.protocol.map",
        config.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL,SSL:SSL");
    config.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    config.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    config.put("listener.name.ssl.ssl.client.auth", "required");
    config.put("ssl.keystore.type", "PKCS12");
    config.put("ssl.keystore.location", tls.brokerKeyStore().toString());
    config.put("ssl.keystore.password", tls.password());
    config.put("ssl.key.password", tls.password());
    config.put("ssl.truststore.type", "PKCS12");
    config.put("ssl.truststore.location", tls.trustStore().toString());
    config.put("ssl.truststore.password", tls.password());
  }

  /** {@code host:port} of a secured broker's {@code SASL_SSL} or {@code SSL} listener. */
  public String securedAddress(String protocol) {
    Integer p = securedPorts.get(protocol);
    if (p == null) {
      throw new IllegalArgumentException(
          "no " + protocol + " listener: this broker has " + securedPorts.keySet());
    }
    return "127.0.0.1:" + p;
  }

  private static ProcessBuilder java(
      Path dir, String classPath, List<String> jvmOptions, String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-XX:+UseSerialGC");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(command).directory(dir.toFile());
  }

  /** This JVM's class path with absolute entries: the child runs in its own directory. */
  static String absoluteClassPath() {
    return java.util.Arrays.stream(
            System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private void awaitPort() throws InterruptedException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the Kafka broker process exited with "
                + process.exitValue()
                + ": "
                + ChildProcesses.tail(dataDir.resolve("broker.log")));
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    stopQuietly();
    throw new IllegalStateException(
        "the Kafka broker did not open port " + port + " within " + START_TIMEOUT);
  }

  /** Copies a resource of this package (the exporter agent, its rules) into {@code dir}. */
  private static Path copyResource(String name, Path dir) throws IOException {
    try (var in = KafkaBrokerProcess.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            name
                + " is not on the class path: devstack's build copies it (the JMX exporter agent"
                + " from Maven Central, the rules from helm/platform/files)");
      }
      Path target = dir.resolve(name);
      Files.copy(in, target);
      return target;
    }
  }

  /**
   * Where the broker's Prometheus metrics are served ({@code host:port}, path {@code /metrics}),
   * when it was started {@link #startWithMetrics with metrics}.
   */
  public java.util.Optional<String> metricsAddress() {
    return metricsPort == 0
        ? java.util.Optional.empty()
        : java.util.Optional.of("127.0.0.1:" + metricsPort);
  }

  @Override
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public int brokerCount() {
    return 1;
  }

  /** The process id, so callers can report or signal it. */
  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    stopQuietly();
  }

  private void stopQuietly() {
    ChildProcesses.stop(process, STOP_GRACE); // SIGTERM: the broker shuts down cleanly
    if (deleteOnClose) {
      deleteRecursively(dataDir);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temp directory left behind is harmless; failing a shutdown over it is not.
    }
  }
}
