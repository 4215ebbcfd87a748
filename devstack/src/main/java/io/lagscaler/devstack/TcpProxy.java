package io.lagscaler.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder that can be cut and restored, to make a store unreachable without losing
 * its data: while cut, existing connections are reset and new ones are refused, exactly what a
 * client sees when the server goes down. Used where restarting the real server would discard its
 * state (the in-process Neo4j harness keeps its store in a fresh directory per start).
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final int targetPort;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket server;
  private Thread acceptor;

  private TcpProxy(int port, int targetPort) {
    this.port = port;
    this.targetPort = targetPort;
  }

  /** Forwards a free loopback port to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy to(int targetPort) {
    TcpProxy proxy = new TcpProxy(ChildProcesses.freePort(), targetPort);
    proxy.restore();
    return proxy;
  }

  public int port() {
    return port;
  }

  /** Resets every connection and refuses new ones until {@link #restore()}. */
  public synchronized void cut() {
    ServerSocket current = server;
    server = null;
    closeQuietly(current);
    // Wait for the accept loop to end, so that once cut() returns no connection gets through.
    if (acceptor != null) {
      try {
        acceptor.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      acceptor = null;
    }
    sockets.forEach(TcpProxy::closeQuietly);
    sockets.clear();
  }

  /** Accepts connections again on the same port. */
  public synchronized void restore() {
    if (server != null) {
      return;
    }
    try {
      ServerSocket listening = new ServerSocket();
      listening.setReuseAddress(true);
      listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      server = listening;
      acceptor =
          Thread.ofPlatform().daemon().name("proxy-accept-" + port).start(() -> accept(listening));
    } catch (IOException e) {
      throw new UncheckedIOException("could not listen on " + port, e);
    }
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        if (server != listening) {
          client.close(); // accepted during a cut
          continue;
        }
        Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        sockets.add(client);
        sockets.add(upstream);
        Thread.ofVirtual().start(() -> pump(client, upstream));
        Thread.ofVirtual().start(() -> pump(upstream, client));
      } catch (IOException closedOrRefused) {
        // Cut while accepting, or the target is down: the client sees a reset either way.
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException ended) {
      // One side closed or was cut; close both below.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable != null) {
      try {
        closeable.close();
      } catch (Exception ignored) {
        // Closing to cut; a failure to close changes nothing.
      }
    }
  }

  @Override
  public void close() {
    cut();
  }
}
