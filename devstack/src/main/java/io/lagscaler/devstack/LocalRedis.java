package io.lagscaler.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import redis.embedded.RedisServer;

/**
 * A real Redis server (the binary bundled by embedded-redis, a child process) on a free loopback
 * port, with an append-only file in its own directory so that {@link #stop()} and {@link #start()}
 * behave like a Redis restart: data written before the stop is there after it. Needs the optional
 * {@code com.github.codemonstur:embedded-redis} dependency.
 */
public final class LocalRedis implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final int port;
  private final Path dataDir;
  private RedisServer server;

  private LocalRedis(int port, Path dataDir) {
    this.port = port;
    this.dataDir = dataDir;
  }

  /** Starts Redis on a free loopback port. */
  public static LocalRedis start() {
    try {
      LocalRedis redis =
          new LocalRedis(ChildProcesses.freePort(), Files.createTempDirectory("lagscaler-redis-"));
      redis.startServer();
      Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "redis-stop"));
      return redis;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start an embedded Redis", e);
    }
  }

  /** The {@code redis://} URI clients connect to. */
  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the server (an outage); {@link #restart()} brings it back on the same port. */
  public synchronized void stop() {
    if (server != null) {
      try {
        server.stop();
      } catch (IOException e) {
        throw new UncheckedIOException("could not stop the embedded Redis", e);
      }
      server = null;
    }
  }

  /** Starts the server again on the same port with the data it had. */
  public synchronized void restart() {
    if (server == null) {
      startServer();
    }
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  private void startServer() {
    try {
      RedisServer fresh =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("dir " + dataDir)
              // AOF so a stop/start keeps the data, like a production Redis with persistence.
              .setting("appendonly yes")
              .setting("appendfsync everysec")
              .setting("save \"\"")
              .setting("protected-mode no")
              .build();
      fresh.start();
      awaitPort();
      server = fresh;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start an embedded Redis on port " + port, e);
    }
  }

  private void awaitPort() throws IOException {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (true) {
      // An open port is not enough: while it loads its append-only file Redis answers -LOADING.
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        socket.setSoTimeout(1_000);
        socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] reply = new byte[7];
        int n = socket.getInputStream().readNBytes(reply, 0, 5);
        if (n == 5 && new String(reply, 0, 5, StandardCharsets.US_ASCII).equals("+PONG")) {
          return;
        }
        throw new IOException("not ready");
      } catch (IOException notYet) {
        if (Instant.now().isAfter(deadline)) {
          throw new IOException("Redis did not open port " + port + " within " + START_TIMEOUT);
        }
        Thread.onSpinWait();
      }
    }
  }

  @Override
  public void close() {
    stop();
  }
}
