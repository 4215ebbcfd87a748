package io.lagscaler.loadtest.services;

import io.lagscaler.devstack.ChildProcesses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One service started from its jar ({@code java -jar}), as it would run in a container. Every
 * process started here is stopped when this JVM exits, Ctrl-C included.
 */
public final class ServiceProcess {

  private static final Set<ServiceProcess> RUNNING = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> RUNNING.forEach(p -> p.process.destroyForcibly()), "stop-service-processes"));
  }

  private final String name;
  private final Process process;
  private final int httpPort;
  private final Path log;

  private ServiceProcess(String name, Process process, int httpPort, Path log) {
    this.name = name;
    this.process = process;
    this.httpPort = httpPort;
    this.log = log;
  }

  /** Locates {@code services/<service>/target/<service>.jar} under {@code servicesDir}. */
  public static Path jar(Path servicesDir, String service) {
    Path jar = servicesDir.resolve(service).resolve("target").resolve(service + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath()
              + " is missing: build the services first (./mvnw -pl services/"
              + service
              + " -am package -DskipTests), or pass --services-dir");
    }
    return jar;
  }

  public static ServiceProcess start(
      String name, Path jar, Map<String, String> env, Path logDir, String heap) {
    return start(name, jar, env, logDir, List.of(heap));
  }

  /** Starts {@code java <jvmFlags> -jar jar} with {@code env} and a free HTTP_PORT. */
  public static ServiceProcess start(
      String name, Path jar, Map<String, String> env, Path logDir, List<String> jvmFlags) {
    try {
      int port = ChildProcesses.freePort();
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder builder =
          new ProcessBuilder(javaCommand(jar, jvmFlags, List.of()))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      builder.environment().put("HTTP_PORT", Integer.toString(port));
      ServiceProcess started = new ServiceProcess(name, builder.start(), port, log);
      RUNNING.add(started);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + name, e);
    }
  }

  /**
   * Runs {@code java <jvmFlags> -jar jar <args>} to its end (a one-off command of the service's
   * jar, such as its store-limit benchmark) and returns what it printed on stdout; its stderr goes
   * to {@code logDir/<name>.log}.
   */
  public static String runToEnd(
      String name,
      Path jar,
      Map<String, String> env,
      List<String> args,
      Path logDir,
      List<String> jvmFlags,
      Duration timeout) {
    try {
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      Path out = logDir.resolve(name + ".out");
      ProcessBuilder builder =
          new ProcessBuilder(javaCommand(jar, jvmFlags, args))
              .redirectError(log.toFile())
              .redirectOutput(out.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        ChildProcesses.stop(process, Duration.ofSeconds(5));
        throw new IllegalStateException(
            name + " did not finish within " + timeout + "; see " + log);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + ": " + ChildProcesses.tail(log));
      }
      return Files.readString(out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + name, e);
    }
  }

  private static List<String> javaCommand(Path jar, List<String> jvmFlags, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    command.add("-XX:+UseSerialGC");
    command.add("--sun-misc-unsafe-memory-access=allow");
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-Dorg.slf4j.simpleLogger.log.io.lagscaler=info");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(args);
    return command;
  }

  /** Waits until /readyz answers 200 (Kafka and the store reachable). */
  public ServiceProcess awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> response =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(url("/readyz")))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          return this;
        }
      } catch (IOException notYet) {
        // still starting
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
  }

  /** One /readyz probe: true when it answers 200 now (false while starting or when it fails). */
  public boolean ready() {
    if (!process.isAlive()) {
      return false;
    }
    try {
      return HTTP.send(
                  HttpRequest.newBuilder(URI.create(url("/readyz")))
                      .timeout(Duration.ofSeconds(1))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException notYet) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Where the process writes its output. */
  public Path log() {
    return log;
  }

  public String url(String path) {
    return "http://" + address() + path;
  }

  /** host:port of its HTTP server: the API, /healthz, /readyz and /metrics. */
  public String address() {
    return "127.0.0.1:" + httpPort;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group: a spot interruption. */
  public void kill() {
    process.destroyForcibly();
    waitFor(Duration.ofSeconds(10));
    RUNNING.remove(this);
  }

  /** SIGTERM, then SIGKILL if the service has not exited within {@code grace}. */
  public void stop(Duration grace) {
    ChildProcesses.stop(process, grace);
    RUNNING.remove(this);
  }

  private boolean waitFor(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
