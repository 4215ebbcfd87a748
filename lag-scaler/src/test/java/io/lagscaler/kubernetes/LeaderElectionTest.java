package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leader election runs on real time against the mock API server's Lease, so these tests wait for it
 * with short lease timings (polling, bounded) rather than a moved clock.
 */
class LeaderElectionTest {

  private static final String NS = "lag-scaler";
  private static final String LEASE = "lag-scaler-leader";

  private MockCluster cluster;
  private final List<LeaderElection> elections = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
  }

  @AfterEach
  void stopEverything() {
    elections.forEach(LeaderElection::close);
    cluster.close();
  }

  @Test
  void ofTwoInstancesSharingALeaseOnlyOneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    LeaderElection first = start("lag-scaler-a", a);
    awaitTrue(first::isLeader, "the first instance leads");
    LeaderElection second = start("lag-scaler-b", b);
    awaitTrue(() -> second.currentLeader().isPresent(), "the second instance sees the holder");

    // Several retry periods: the standby keeps campaigning and keeps losing.
    Thread.sleep(600);
    assertThat(first.isLeader()).isTrue();
    assertThat(second.isLeader()).isFalse();
    assertThat(second.currentLeader()).contains("lag-scaler-a");
    assertThat(b.started).isEmpty();

    Instant stopped = Instant.now();
    first.close();

    awaitTrue(second::isLeader, "the second instance takes over");
    // Sooner than the 3 s lease duration: the first released the Lease, it did not just expire.
    assertThat(Duration.between(stopped, Instant.now())).isLessThan(Duration.ofSeconds(3));
    assertThat(first.isLeader()).isFalse();
    assertThat(a.stopped).hasSize(1);
    assertThat(a.started).hasSize(1);
    assertThat(b.started).hasSize(1);
    assertThat(second.currentLeader()).contains("lag-scaler-b");
    assertThat(
            cluster
                .client
                .leases()
                .inNamespace(NS)
                .withName(LEASE)
                .get()
                .getSpec()
                .getHolderIdentity())
        .isEqualTo("lag-scaler-b");
  }

  @Test
  void aLeaseLeftByAVanishedLeaderIsTakenOverOnceItExpires() throws Exception {
    holdLease("crashed-pod", Instant.now().minusSeconds(60), 15);

    LeaderElection election = start("lag-scaler-a", new Recorder());

    awaitTrue(election::isLeader, "takes over the expired lease");
    assertThat(election.currentLeader()).contains("lag-scaler-a");
  }

  @Test
  void aLeaseRenewedByALiveLeaderIsNotTaken() throws Exception {
    holdLease("other-pod", Instant.now(), 60);

    Recorder recorder = new Recorder();
    LeaderElection election = start("lag-scaler-a", recorder);

    awaitTrue(() -> election.currentLeader().isPresent(), "observes the holder");
    Thread.sleep(600);
    assertThat(election.isLeader()).isFalse();
    assertThat(election.currentLeader()).contains("other-pod");
    assertThat(recorder.started).isEmpty();
    assertThat(recorder.leaders).contains(Optional.of("other-pod"));
  }

  private LeaderElection start(String identity, Recorder listener) {
    LeaderElection election =
        cluster
            .clients(identity)
            .leaderElection(
                new LeaderElection.Settings(
                    NS,
                    LEASE,
                    identity,
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(2),
                    Duration.ofMillis(100)),
                listener);
    elections.add(election);
    election.start();
    return election;
  }

  private void holdLease(String holder, Instant renewed, int durationSeconds) {
    ZonedDateTime time = renewed.atZone(ZoneOffset.UTC);
    cluster
        .client
        .leases()
        .inNamespace(NS)
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName(LEASE)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity(holder)
                .withLeaseDurationSeconds(durationSeconds)
                .withAcquireTime(time)
                .withRenewTime(time)
                .withLeaseTransitions(0)
                .endSpec()
                .build())
        .create();
  }

  private static void awaitTrue(BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }

  private static final class Recorder implements LeaderElection.Listener {
    final List<Instant> started = new CopyOnWriteArrayList<>();
    final List<Instant> stopped = new CopyOnWriteArrayList<>();
    final List<Optional<String>> leaders = new CopyOnWriteArrayList<>();

    @Override
    public void onStartLeading() {
      started.add(Instant.now());
    }

    @Override
    public void onStopLeading() {
      stopped.add(Instant.now());
    }

    @Override
    public void onNewLeader(Optional<String> identity) {
      leaders.add(identity);
    }
  }
}
