package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesScalerTest {

  private static final String NS = "shop";
  private static final WorkloadRef ORDERS = new WorkloadRef(NS, WorkloadKind.DEPLOYMENT, "orders");
  private static final String ORDERS_SCALE =
      "/apis/apps/v1/namespaces/shop/deployments/orders/scale";

  private MockCluster cluster;
  private KubernetesClients clients;
  private KubernetesScaler scaler;

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
    clients = cluster.clients("lag-scaler-0");
    scaler = clients.scaler(3);
  }

  @AfterEach
  void stopMockApiServer() {
    clients.informers().close();
    cluster.close();
  }

  /** Follows the namespace and waits until its caches are current. */
  private void followShop() {
    scaler.follow(Set.of(NS));
    eventually(() -> assertThat(clients.informers().current()).isTrue());
  }

  /**
   * Waits for what a watch event delivers: the cache is updated asynchronously, so a test that
   * changes the store looks again for a while (real time: this is the I/O adapter, not the core).
   */
  static void eventually(ThrowingRunnable check) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      try {
        check.run();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() > deadline) {
          throw e instanceof AssertionError a ? a : new AssertionError(e);
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new AssertionError(ie);
        }
      }
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aPollReadsTheCacheWithNoApiRequestOnceTheNamespaceIsFollowed() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.deploymentStatus(NS, "orders", 3, 2);
    cluster.createStatefulSet(NS, "ledger", 2);
    followShop();
    cluster.takeRequests();

    ScaleState orders = scaler.read(ORDERS);
    ScaleState ledger = scaler.read(new WorkloadRef(NS, WorkloadKind.STATEFUL_SET, "ledger"));

    assertThat(cluster.takeRequests()).as("reads come from the informers' cache").isEmpty();
    assertThat(orders.desired()).isEqualTo(3);
    assertThat(orders.current()).isEqualTo(3);
    assertThat(orders.ready()).isEqualTo(2);
    assertThat(ledger.desired()).isEqualTo(2);
  }

  @Test
  void followingListsAndWatchesEachKindOnceAndNothingElse() throws Exception {
    cluster.takeRequests();

    followShop();

    assertThat(cluster.takeRequests())
        .map(r -> r.replaceAll("\\?.*", ""))
        .containsOnly(
            "GET /apis/apps/v1/namespaces/shop/deployments",
            "GET /apis/apps/v1/namespaces/shop/statefulsets",
            "GET /apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers",
            "GET /apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects");
  }

  @Test
  void scalesADeploymentThroughTheScaleSubresourceOnlyWithTheCachedVersion() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.deploymentStatus(NS, "orders", 3, 2);
    followShop();
    cluster.takeRequests();

    scaler.scale(ORDERS, 6);

    assertThat(cluster.takeRequests())
        .as("one write, carrying the cached resourceVersion: no read first")
        .containsExactly("PATCH " + ORDERS_SCALE);
    eventually(() -> assertThat(scaler.read(ORDERS).desired()).isEqualTo(6));
    // The write touched replicas only: the pod template is intact.
    assertThat(
            cluster
                .client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("orders")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getImage()).isEqualTo("example/consumer:1"));
  }

  @Test
  void scalesAStatefulSetThroughTheScaleSubresourceAndTheCacheFollows() throws Exception {
    WorkloadRef ledger = new WorkloadRef(NS, WorkloadKind.STATEFUL_SET, "ledger");
    cluster.createStatefulSet(NS, "ledger", 2);
    cluster.statefulSetStatus(NS, "ledger", 2, 2);
    followShop();
    cluster.takeRequests();

    scaler.scale(ledger, 4);

    assertThat(cluster.takeRequests())
        .contains("PATCH /apis/apps/v1/namespaces/shop/statefulsets/ledger/scale")
        .noneMatch(r -> r.startsWith("PATCH /apis/apps/v1/namespaces/shop/statefulsets/ledger "));
    eventually(
        () -> {
          ScaleState state = scaler.read(ledger);
          assertThat(state.desired()).isEqualTo(4);
          assertThat(state.current()).isEqualTo(2);
          assertThat(state.ready()).isEqualTo(2);
        });
  }

  @Test
  void readyReplicasComeFromTheStatusTheWorkloadControllerWrites() throws Exception {
    cluster.createDeployment(NS, "orders", 5);
    followShop();
    assertThat(scaler.read(ORDERS).ready()).as("no status yet: the API omits zero counts").isZero();

    cluster.deploymentStatus(NS, "orders", 5, 4);

    eventually(
        () -> {
          ScaleState state = scaler.read(ORDERS);
          assertThat(state.current()).isEqualTo(5);
          assertThat(state.ready()).isEqualTo(4);
        });
  }

  @Test
  void readsThePauseAnnotationAndOnlyLagScalersAnnotations() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    cluster
        .client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("orders")
        .edit(
            d -> {
              d.getMetadata()
                  .setAnnotations(
                      Map.of(
                          ScaleState.PAUSED_ANNOTATION,
                          "true",
                          "deployment.kubernetes.io/revision",
                          "7"));
              return d;
            });

    eventually(() -> assertThat(scaler.read(ORDERS).paused()).isTrue());
    assertThat(scaler.read(ORDERS).annotations()).containsOnlyKeys(ScaleState.PAUSED_ANNOTATION);
  }

  @Test
  void anHpaOnTheSameWorkloadIsReportedAsCompeting() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.createDeployment(NS, "payments", 3);
    createHpa("orders-hpa", "Deployment", "orders");
    createHpa("payments-hpa", "Deployment", "payments");
    createHpa("orders-sts-hpa", "StatefulSet", "orders");
    followShop();

    assertThat(scaler.read(ORDERS).competingAutoscalers())
        .containsExactly("HorizontalPodAutoscaler shop/orders-hpa");
  }

  @Test
  void aNewHpaIsNoticedFromItsWatchEventWithoutAnyList() throws Exception {
    cluster.createDeployment(NS, "orders", 1);
    followShop();
    assertThat(scaler.read(ORDERS).competingAutoscalers()).isEmpty();
    cluster.takeRequests();

    createHpa("late-hpa", "Deployment", "orders");

    eventually(
        () ->
            assertThat(scaler.read(ORDERS).competingAutoscalers())
                .containsExactly("HorizontalPodAutoscaler shop/late-hpa"));
    assertThat(cluster.takeRequests())
        .as("only the test's own create")
        .containsExactly("POST /apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers");
  }

  @Test
  void aKedaScaledObjectOnTheSameWorkloadIsReportedAsCompeting() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    // No kind: KEDA's default, Deployment.
    createScaledObject("orders-so", Map.of("name", "orders"));
    createScaledObject("ledger-so", Map.of("name", "orders", "kind", "StatefulSet"));
    createScaledObject("payments-so", Map.of("name", "payments"));
    followShop();

    assertThat(scaler.read(ORDERS).competingAutoscalers())
        .containsExactly("ScaledObject (KEDA) shop/orders-so");
  }

  @Test
  void noCompetingAutoscalerWhenNoneTargetsTheWorkload() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();

    assertThat(scaler.read(ORDERS).competingAutoscalers()).isEmpty();
  }

  @Test
  void aClusterWithoutTheKedaCrdHasNoCompetingScaledObjectAndNoScaledObjectWatch()
      throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster
        .server
        .expect()
        .get()
        .withPath("/apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects?limit=1")
        .andReturn(404, notFound())
        .always();
    cluster.takeRequests();

    followShop();

    assertThat(scaler.read(ORDERS).competingAutoscalers()).isEmpty();
    assertThat(cluster.takeRequests())
        .filteredOn(r -> r.contains("scaledobjects"))
        .as("the probe only")
        .containsExactly("GET /apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects?limit=1");
  }

  @Test
  void scaledObjectsThatCannotBeListedHoldTheNamespaceNamingThePermission() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster
        .server
        .expect()
        .get()
        .withPath("/apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects?limit=1")
        .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden").build())
        .always();

    scaler.follow(Set.of(NS));

    assertThatThrownBy(() -> scaler.read(ORDERS))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.UNKNOWN);
              assertThat(e.getMessage()).contains("list scaledobjects (keda.sh) in namespace shop");
            });
  }

  @Test
  void aNamespaceNotFollowedIsUnknownNotEmpty() {
    assertThatThrownBy(() -> scaler.read(ORDERS))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.UNKNOWN);
              assertThat(e.getMessage()).contains("namespace shop is not watched");
            });
    assertThat(scaler.workloads(NS)).isEmpty();
  }

  @Test
  void aMissingWorkloadIsNotFoundForReadAndScale() {
    followShop();

    assertThatThrownBy(() -> scaler.read(ORDERS))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.NOT_FOUND);
              assertThat(e.getMessage()).isEqualTo("Deployment shop/orders not found");
            });
    assertThatThrownBy(() -> scaler.scale(ORDERS, 2))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> assertThat(e.kind()).isEqualTo(ScalerException.Kind.NOT_FOUND));
  }

  @Test
  void anUnreachableApiServerLeavesTheCacheUnsyncedSoTargetsHold() {
    MockCluster gone = new MockCluster();
    gone.server.destroy();
    WorkloadInformers informers = new WorkloadInformers(gone.client, Duration.ofMillis(300));
    KubernetesScaler unreachable = new KubernetesScaler(gone.client, informers, 3);

    unreachable.follow(Set.of(NS));

    assertThatThrownBy(() -> unreachable.read(ORDERS))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.UNKNOWN);
              assertThat(e.getMessage()).contains("has not synced yet");
            });
    informers.close();
    gone.client.close();
  }

  @Test
  void aBrokenWatchHoldsItsNamespaceUntilTheInformerHasRelistedWhatChangedMeanwhile()
      throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();

    cluster.restartApiServer(
        () -> {
          eventually(
              () ->
                  assertThatThrownBy(() -> scaler.read(ORDERS))
                      .isInstanceOfSatisfying(
                          ScalerException.class,
                          e -> {
                            assertThat(e.kind()).isEqualTo(ScalerException.Kind.UNKNOWN);
                            assertThat(e.getMessage()).contains("broken");
                          }));
          // A change no watch can deliver: it reaches the cache only through a new list.
          cluster.mergePatchInStore(
              "/apis/apps/v1/namespaces/shop/deployments/orders", "{\"spec\":{\"replicas\":7}}");
        });

    eventually(() -> assertThat(scaler.read(ORDERS).desired()).isEqualTo(7));
    assertThat(clients.informers().current()).isTrue();
  }

  @Test
  void conflictingWritesAreRetriedAgainstAFreshReadUntilOneSucceeds() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    cluster.server.expect().patch().withPath(ORDERS_SCALE).andReturn(409, conflict()).times(2);
    cluster.takeRequests();

    scaler.scale(ORDERS, 6);

    List<String> requests = cluster.takeRequests();
    assertThat(requests.stream().filter(r -> r.equals("PATCH " + ORDERS_SCALE))).hasSize(3);
    assertThat(requests.stream().filter(r -> r.equals("GET " + ORDERS_SCALE)))
        .as("the cached version first, then a fresh read before each retry")
        .hasSize(2);
    eventually(() -> assertThat(scaler.read(ORDERS).desired()).isEqualTo(6));
  }

  @Test
  void aConcurrentChangeIsNotOverwrittenButRetriedOnTheNewVersion() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    // Someone annotates the Deployment between our read and our write: the store itself answers
    // 409 because the resourceVersion we send is stale.
    cluster.concurrentMergePatchBefore(
        "PATCH",
        ORDERS_SCALE,
        1,
        "/apis/apps/v1/namespaces/shop/deployments/orders",
        "{\"metadata\":{\"annotations\":{\"team\":\"checkout\"}}}");
    cluster.takeRequests();

    scaler.scale(ORDERS, 6);

    assertThat(cluster.takeRequests().stream().filter(r -> r.equals("PATCH " + ORDERS_SCALE)))
        .hasSize(2);
    var orders = cluster.client.apps().deployments().inNamespace(NS).withName("orders").get();
    assertThat(orders.getSpec().getReplicas()).isEqualTo(6);
    assertThat(orders.getMetadata().getAnnotations()).containsEntry("team", "checkout");
  }

  @Test
  void persistentConflictsEndInConflictAfterTheConfiguredAttempts() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    cluster.server.expect().patch().withPath(ORDERS_SCALE).andReturn(409, conflict()).always();
    cluster.takeRequests();

    assertThatThrownBy(() -> scaler.scale(ORDERS, 6))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.CONFLICT);
              assertThat(e.getMessage()).contains("3 writes in a row conflicted");
            });
    assertThat(cluster.takeRequests().stream().filter(r -> r.equals("PATCH " + ORDERS_SCALE)))
        .hasSize(3);
    assertThat(scaler.read(ORDERS).desired()).isEqualTo(3);
  }

  @Test
  void aServerErrorOnTheWriteIsAnApiError() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    cluster
        .server
        .expect()
        .patch()
        .withPath(ORDERS_SCALE)
        .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd timeout").build())
        .always();

    assertThatThrownBy(() -> scaler.scale(ORDERS, 6))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.API_ERROR);
              assertThat(e.getMessage()).contains("patch deployments/scale (apps)", "HTTP 500");
            });
  }

  @Test
  void aForbiddenWriteNamesTheVerbAndResource() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    cluster
        .server
        .expect()
        .patch()
        .withPath(ORDERS_SCALE)
        .andReturn(
            403,
            new StatusBuilder()
                .withCode(403)
                .withReason("Forbidden")
                .withMessage("deployments.apps \"orders\" is forbidden")
                .build())
        .always();

    assertThatThrownBy(() -> scaler.scale(ORDERS, 6))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.FORBIDDEN);
              assertThat(e.getMessage())
                  .contains("patch deployments/scale (apps) in namespace shop");
            });
  }

  @Test
  void aScaleObjectInTheAnswerToThePatchIsAccepted() throws Exception {
    // The CRUD store answers with the whole Deployment; a real API server answers with a Scale.
    cluster.createDeployment(NS, "orders", 3);
    followShop();
    cluster
        .server
        .expect()
        .patch()
        .withPath(ORDERS_SCALE)
        .andReturn(
            200,
            new ScaleBuilder()
                .withNewMetadata()
                .withName("orders")
                .withNamespace(NS)
                .withResourceVersion("99")
                .endMetadata()
                .withNewSpec()
                .withReplicas(6)
                .endSpec()
                .withNewStatus()
                .withReplicas(3)
                .withSelector("app=orders")
                .endStatus()
                .build())
        .once();

    scaler.scale(ORDERS, 6);

    assertThat(cluster.takeRequests()).contains("PATCH " + ORDERS_SCALE);
  }

  @Test
  void aWorkloadAlreadyAtTheTargetIsNotWritten() throws Exception {
    cluster.createDeployment(NS, "orders", 4);
    followShop();
    cluster.takeRequests();

    scaler.scale(ORDERS, 4);

    assertThat(cluster.takeRequests()).isEmpty();
  }

  @Test
  void discoveryListsTheNamespacesWorkloadsWithLabelsAndOnlyLagScalersAnnotations()
      throws Exception {
    cluster.createDeployment(NS, "orders", 1);
    cluster.createStatefulSet(NS, "ledger", 1);
    followShop();

    assertThat(scaler.workloads(NS).orElseThrow())
        .extracting(w -> w.ref().toString())
        .containsExactlyInAnyOrder("Deployment shop/orders", "StatefulSet shop/ledger");
  }

  private void createHpa(String name, String kind, String target) {
    cluster.createHpa(NS, name, kind, target);
  }

  private void createScaledObject(String name, Map<String, Object> scaleTargetRef) {
    GenericKubernetesResource scaledObject =
        new GenericKubernetesResourceBuilder()
            .withApiVersion("keda.sh/v1alpha1")
            .withKind("ScaledObject")
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .endMetadata()
            .withAdditionalProperties(Map.of("spec", Map.of("scaleTargetRef", scaleTargetRef)))
            .build();
    cluster
        .client
        .genericKubernetesResources(WorkloadInformers.KEDA_SCALED_OBJECTS)
        .inNamespace(NS)
        .resource(scaledObject)
        .create();
  }

  private static io.fabric8.kubernetes.api.model.Status conflict() {
    return new StatusBuilder()
        .withCode(409)
        .withReason("Conflict")
        .withMessage(
            "the object has been modified; please apply your changes to the latest version")
        .build();
  }

  private static io.fabric8.kubernetes.api.model.Status notFound() {
    return new StatusBuilder().withCode(404).withReason("NotFound").build();
  }
}
