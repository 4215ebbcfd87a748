package io.lagscaler.devstack;

import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the child JVM that {@link Neo4jProcess} starts: runs {@link LocalNeo4j} on the
 * given Bolt port until the process is told to stop (SIGTERM runs the shutdown hook).
 */
public final class Neo4jServerMain {

  private Neo4jServerMain() {}

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    LocalNeo4j neo4j = LocalNeo4j.start(port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  neo4j.close();
                  stopped.countDown();
                },
                "neo4j-stop"));
    System.out.println("neo4j ready " + neo4j.boltUri());
    stopped.await();
  }
}
