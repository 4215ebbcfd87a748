package io.lagscaler.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.ops.MockEnvironment.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ops against fabric8's mock API server, with Helm (helm-java) reading releases stored there. */
class OpsCommandsTest {

  @TempDir Path dir;
  MockEnvironment dev;

  @BeforeEach
  void start() {
    dev = new MockEnvironment(dir);
  }

  @AfterEach
  void stop() {
    dev.close();
  }

  private Run ops(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--kubeconfig";
    all[args.length + 1] = dev.kubeconfig.toString();
    return dev.run(all);
  }

  @Test
  void logsInterleavesEveryPodOfTheServiceByTimeWithThePodName() throws Exception {
    dev.pod("store-totals-a", "store-totals");
    dev.pod("store-totals-b", "store-totals");
    dev.pod("order-intake-x", "order-intake");
    dev.logs(
        "store-totals-a",
        """
        2026-12-06T10:00:01.000000000Z a first
        2026-12-06T10:00:03.000000000Z a second
        """);
    dev.logs(
        "store-totals-b",
        """
        2026-12-06T10:00:02.000000000Z b first
        2026-12-06T10:00:04.500000000Z b second
        """);
    dev.logs("order-intake-x", "2026-12-06T10:00:02.500000000Z intake\n");

    Run run = ops("logs", "--env", "dev", "--service", "store-totals");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines().toList())
        .containsExactly(
            "2026-12-06T10:00:01Z store-totals-a  a first",
            "2026-12-06T10:00:02Z store-totals-b  b first",
            "2026-12-06T10:00:03Z store-totals-a  a second",
            "2026-12-06T10:00:04.500Z store-totals-b  b second");
    assertThat(dev.logRequests)
        .hasSize(2)
        .allSatisfy(q -> assertThat(q).contains("timestamps=true").contains("tailLines=100"));
  }

  @Test
  void logsOfAllServicesKeepOnlyTheNewestLinesOverall() throws Exception {
    dev.pod("store-totals-a", "store-totals");
    dev.pod("order-intake-x", "order-intake");
    dev.logs("store-totals-a", "2026-12-06T10:00:01Z old\n2026-12-06T10:00:05Z newest\n");
    dev.logs("order-intake-x", "2026-12-06T10:00:03Z middle\n");

    Run run = ops("logs", "--env", "dev", "--lines", "2", "--since", "10m");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out().lines().toList())
        .containsExactly(
            "2026-12-06T10:00:03Z order-intake-x  middle",
            "2026-12-06T10:00:05Z store-totals-a  newest");
    assertThat(dev.logRequests)
        .allSatisfy(q -> assertThat(q).contains("sinceSeconds=600").contains("tailLines=2"));
  }

  @Test
  void followingMergesThePodsByTimeAndPicksUpAPodThatAppearsLater() throws Exception {
    dev.pod("store-totals-a", "store-totals");
    dev.pod("store-totals-b", "store-totals");
    dev.logs("store-totals-a", "2026-12-06T10:00:01Z a1\n2026-12-06T10:00:03Z a3\n");
    dev.logs("store-totals-b", "2026-12-06T10:00:02Z b2\n");
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (Cluster cluster =
        Cluster.connect(MockEnvironment.devEnvironment(), java.util.Optional.of(dev.kubeconfig))) {
      Thread follower =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      // A wide window: each pod is its own stream, and this machine is shared.
                      new PodLogs(
                              cluster,
                              java.util.Optional.of("store-totals"),
                              java.time.Duration.ofSeconds(5))
                          .follow(
                              java.util.OptionalInt.of(10),
                              java.util.Optional.empty(),
                              l -> seen.add(l.source() + " " + l.text()));
                    } catch (InterruptedException stopped) {
                      // the test is done
                    }
                  });
      awaitSize(seen, 3);
      // A scale-up: the new pod is found at the next look (every 5 s) and read from its start.
      dev.logs("store-totals-c", "2026-12-06T10:00:09Z c9\n");
      dev.pod("store-totals-c", "store-totals");
      awaitSize(seen, 4);
      follower.interrupt();
      follower.join(5_000);
    }
    assertThat(seen)
        .containsExactly(
            "store-totals-a a1", "store-totals-b b2", "store-totals-a a3", "store-totals-c c9");
    assertThat(dev.logRequests)
        .allSatisfy(q -> assertThat(q).contains("follow=true").contains("timestamps=true"));
  }

  private static void awaitSize(List<String> seen, int size) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (seen.size() < size && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(seen).hasSizeGreaterThanOrEqualTo(size);
  }

  @Test
  void logsOfAServiceWithoutPodsSaySoAndExit2() {
    Run run = ops("logs", "--env", "dev", "--service", "store-totals");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("no pods of service store-totals (label app.kubernetes.io/name=store-totals)")
        .contains("namespace application of environment dev");
  }

  @Test
  void statusShowsReleasesAndLagScalersViewOfEveryTarget() {
    dev.release("lag-scaler", 1, "deployed", "0.1.0");
    dev.release("retail-services", 1, "superseded", "0.1.0");
    dev.release("retail-services", 2, "deployed", "0.2.0");
    dev.scalerStatus(
        """
        {"at":"2026-12-06T10:00:00Z","identity":"lag-scaler-7c9-abcde","leader":true,
         "currentLeader":"lag-scaler-7c9-abcde","configLoadedAt":"2026-12-06T09:00:00Z",
         "configRejection":null,"lastPoll":null,"lastSuccessfulPoll":"2026-12-06T10:00:00Z",
         "targets":[
          {"name":"store-totals","workload":"application/Deployment/store-totals",
           "consumerGroup":"store-totals","targetLagSeconds":15.0,
           "replicas":{"desired":3,"current":3,"ready":2},"action":"SCALED","dryRun":false,
           "decision":{"replicas":3,"reason":"TIME_LAG_ABOVE_TARGET",
             "explanation":"time lag 41.0 s above the 15 s target","at":"2026-12-06T10:00:00Z"},
           "lastScaleTime":"2026-12-06T10:00:00Z","error":null,"consecutiveFailures":0,
           "competingAutoscalers":[],
           "signals":{"group":"store-totals","at":"2026-12-06T10:00:00Z","available":true,
             "maxTimeLagSeconds":41.0}},
          {"name":"purchase-graph","workload":"application/Deployment/purchase-graph",
           "consumerGroup":"purchase-graph","targetLagSeconds":60.0,
           "replicas":{"desired":1,"current":1,"ready":1},"action":"NONE","dryRun":false,
           "decision":null,"lastScaleTime":null,"error":"Kafka unreachable",
           "consecutiveFailures":2,"competingAutoscalers":[],
           "signals":{"group":"purchase-graph","at":"2026-12-06T10:00:00Z","available":false,
             "error":"timeout"}}]}
        """);

    Run run = ops("status", "--env", "dev");

    assertThat(run.exit()).as(run.err() + run.out()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines)
        .anySatisfy(
            l -> assertThat(l).matches("lag-scaler\\s+1\\s+deployed\\s+lag-scaler-0.1.0\\s.*"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches("retail-services\\s+2\\s+deployed\\s+retail-services-0.2.0\\s.*"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "store-totals\\s+store-totals\\s+41.0s / 15.0s\\s+2/3 ready\\s+"
                            + "TIME_LAG_ABOVE_TARGET\\s+SCALED"));
    assertThat(lines)
        .anySatisfy(
            l ->
                assertThat(l)
                    .matches(
                        "purchase-graph\\s+purchase-graph\\s+\\? / 60.0s\\s+1/1 ready\\s+-\\s+"
                            + "NONE \\(Kafka unreachable\\)"));
    assertThat(run.out()).contains("store-totals: time lag 41.0 s above the 15 s target");
    assertThat(run.out()).contains("answered by lag-scaler-7c9-abcde, the leader");
  }

  @Test
  void statusReadsLagScalerFromAGivenUrlWhenTheProxyCannotReachIt() throws Exception {
    dev.release("lag-scaler", 1, "deployed", "0.1.0");
    com.sun.net.httpserver.HttpServer scaler =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    scaler.createContext(
        "/status",
        exchange -> {
          byte[] body =
              """
              {"identity":"lag-scaler-1","leader":false,"currentLeader":"lag-scaler-0",
               "targets":[{"name":"store-totals","consumerGroup":"store-totals",
                 "targetLagSeconds":15.0,"replicas":{"desired":2,"ready":2},"action":"NONE",
                 "decision":{"reason":"WITHIN_TOLERANCE","explanation":"steady"},
                 "signals":{"maxTimeLagSeconds":3.5}}]}
              """
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    scaler.start();
    try {
      Run run =
          ops(
              "status",
              "--env",
              "dev",
              "--scaler-url",
              "http://127.0.0.1:" + scaler.getAddress().getPort() + "/");

      assertThat(run.exit()).as(run.err() + run.out()).isZero();
      assertThat(run.out())
          .contains("answered by lag-scaler-1, a standby; leader: lag-scaler-0")
          .containsPattern(
              "store-totals\\s+store-totals\\s+3.5s / 15.0s\\s+2/2 ready\\s+WITHIN_TOLERANCE");
    } finally {
      scaler.stop(0);
    }
  }

  @Test
  void statusWithoutAnAnsweringLagScalerShowsTheReleasesAndExits1() {
    dev.release("retail-services", 1, "deployed", "0.1.0");

    Run run = ops("status", "--env", "dev");

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.out()).contains("retail-services").contains("lag-scaler: unavailable:");
  }

  @Test
  void rollbackWithoutConfirmPrintsTheHistoryAndChangesNothing() {
    dev.release("retail-services", 1, "superseded", "0.1.0");
    dev.release("retail-services", 2, "superseded", "0.2.0");
    dev.release("retail-services", 3, "deployed", "0.3.0");

    Run run = ops("rollback", "--env", "dev", "--release", "retail-services");

    assertThat(run.exit()).isEqualTo(2);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.getFirst()).isEqualTo("History of retail-services in dev (application):");
    assertThat(lines.get(1)).startsWith("REVISION");
    assertThat(lines.get(2))
        .matches("1\\s+2026-12-01T10:00Z\\s+superseded\\s+retail-services-0.1.0.*");
    assertThat(lines.get(4)).matches("3\\s+\\S+\\s+deployed\\s+retail-services-0.3.0.*");
    assertThat(run.err())
        .contains(
            "not rolled back: add --confirm to roll retail-services from revision 3 to revision 2"
                + " (retail-services-0.2.0, app 0.2.0)");
    assertThat(dev.client.secrets().inNamespace("application").list().getItems()).hasSize(3);
  }

  @Test
  void rollbackToARevisionNotInTheHistoryNamesTheStoredOnes() {
    dev.release("retail-services", 1, "superseded", "0.1.0");
    dev.release("retail-services", 2, "deployed", "0.2.0");

    Run run = ops("rollback", "--env", "dev", "--revision", "9", "--confirm");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("revision 9 of retail-services is not in its history (stored: 1, 2)");
  }

  @Test
  void rollbackToTheCurrentRevisionIsRefused() {
    dev.release("retail-services", 1, "deployed", "0.1.0");

    Run run = ops("rollback", "--env", "dev", "--revision", "1", "--confirm");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("retail-services is at revision 1 already");
  }

  @Test
  void rollbackOfAReleaseTheEnvironmentDoesNotHaveNamesItsReleases() {
    Run run = ops("rollback", "--env", "dev", "--release", "kafka", "--confirm");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "environment dev has no release 'kafka': its releases are lag-scaler, retail-services");
  }

  @Test
  void anUnknownEnvironmentExits2NamingTheKnownOnes() {
    Run run = ops("status", "--env", "qa");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("unknown environment 'qa': known are dev, stage, prod");
  }

  @Test
  void aMissingKubeconfigExits2SayingHowToGetOne() {
    Run run = dev.run("logs", "--env", "stage", "--kubeconfig", dir.resolve("nope").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("no kubeconfig at " + dir.resolve("nope"))
        .contains("make -C helm kubeconfig ENV=stage")
        .contains("--alias lag-scaler-stage");
  }

  @Test
  void aKubeconfigWithoutTheEnvironmentsContextExits2ListingItsContexts() {
    Run run = ops("status", "--env", "prod");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("has no context 'lag-scaler-prod' for environment prod")
        .contains("(it has: lag-scaler-dev, somewhere-else)");
  }

  @Test
  void anUnreachableClusterExits2NamingTheApiServer() throws Exception {
    String url = dev.client.getMasterUrl().toString();
    dev.close();
    Files.writeString(dev.kubeconfig, Files.readString(dev.kubeconfig));

    Run run = ops("status", "--env", "dev");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("cannot reach the API server " + url)
        .contains("of environment dev (context lag-scaler-dev)");
    dev = new MockEnvironment(dir);
  }

  @Test
  void badArgumentsAreUsageErrors() {
    assertThat(ops("logs", "--env", "dev", "--since", "ten").exit()).isEqualTo(2);
    assertThat(ops("logs", "--env", "dev", "--lines", "0").exit()).isEqualTo(2);
    assertThat(ops("rollback", "--env", "dev", "--revision", "0").exit()).isEqualTo(2);
    assertThat(dev.run("status").err()).contains("Missing required option: '--env=<env>'");
  }
}
