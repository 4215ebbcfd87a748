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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesScalerTest {

  private static final String NS = "shop";
  private static final WorkloadRef ORDERS = new WorkloadRef(NS, WorkloadKind.DEPLOYMENT, "orders");
  private static final String ORDERS_SCALE =
      "/apis/apps/v1/namespaces/shop/deployments/orders/scale";

  private MockCluster cluster;
  private KubernetesScaler scaler;

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
    scaler = cluster.clients("lag-scaler-0").scaler(3);
  }

  @AfterEach
  void stopMockApiServer() {
    cluster.close();
  }

  @Test
  void scalesADeploymentThroughTheScaleSubresourceOnlyAndReadsItBack() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.deploymentStatus(NS, "orders", 3, 2);
    cluster.takeRequests();

    scaler.scale(ORDERS, 6);

    List<String> writes =
        cluster.takeRequests().stream().filter(r -> !r.startsWith("GET ")).toList();
    assertThat(writes).containsExactly("PATCH " + ORDERS_SCALE);
    ScaleState state = scaler.read(ORDERS);
    assertThat(state.desired()).isEqualTo(6);
    assertThat(state.current()).isEqualTo(3);
    assertThat(state.ready()).isEqualTo(2);
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
  void scalesAStatefulSetThroughTheScaleSubresourceAndReadsItBack() throws Exception {
    WorkloadRef ledger = new WorkloadRef(NS, WorkloadKind.STATEFUL_SET, "ledger");
    cluster.createStatefulSet(NS, "ledger", 2);
    cluster.statefulSetStatus(NS, "ledger", 2, 2);
    cluster.takeRequests();

    scaler.scale(ledger, 4);

    assertThat(cluster.takeRequests())
        .contains("PATCH /apis/apps/v1/namespaces/shop/statefulsets/ledger/scale")
        .noneMatch(r -> r.startsWith("PATCH /apis/apps/v1/namespaces/shop/statefulsets/ledger "));
    ScaleState state = scaler.read(ledger);
    assertThat(state.desired()).isEqualTo(4);
    assertThat(state.current()).isEqualTo(2);
    assertThat(state.ready()).isEqualTo(2);
  }

  @Test
  void aReadIsOneGetOfTheWorkloadOnceTheNamespacesAutoscalersAreListed() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.deploymentStatus(NS, "orders", 3, 3);
    scaler.read(ORDERS); // lists the namespace's HPAs and ScaledObjects, reused for 15 s
    cluster.takeRequests();

    ScaleState state = scaler.read(ORDERS);

    assertThat(cluster.takeRequests())
        .containsExactly("GET /apis/apps/v1/namespaces/shop/deployments/orders");
    assertThat(state.desired()).isEqualTo(3);
    assertThat(state.current()).isEqualTo(3);
    assertThat(state.ready()).isEqualTo(3);
  }

  @Test
  void readyReplicasComeFromTheStatusTheWorkloadControllerWrites() throws Exception {
    cluster.createDeployment(NS, "orders", 5);
    assertThat(scaler.read(ORDERS).ready()).as("no status yet: the API omits zero counts").isZero();

    cluster.deploymentStatus(NS, "orders", 5, 4);

    ScaleState state = scaler.read(ORDERS);
    assertThat(state.current()).isEqualTo(5);
    assertThat(state.ready()).isEqualTo(4);
  }

  @Test
  void readsThePauseAnnotationAndOnlyLagScalersAnnotations() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
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

    ScaleState state = scaler.read(ORDERS);

    assertThat(state.paused()).isTrue();
    assertThat(state.annotations()).containsOnlyKeys(ScaleState.PAUSED_ANNOTATION);
  }

  @Test
  void anHpaOnTheSameWorkloadIsReportedAsCompeting() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.createDeployment(NS, "payments", 3);
    createHpa("orders-hpa", "Deployment", "orders");
    createHpa("payments-hpa", "Deployment", "payments");
    createHpa("orders-sts-hpa", "StatefulSet", "orders");

    assertThat(scaler.read(ORDERS).competingAutoscalers())
        .containsExactly("HorizontalPodAutoscaler shop/orders-hpa");
  }

  @Test
  void aKedaScaledObjectOnTheSameWorkloadIsReportedAsCompeting() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    // No kind: KEDA's default, Deployment.
    createScaledObject("orders-so", Map.of("name", "orders"));
    createScaledObject("ledger-so", Map.of("name", "orders", "kind", "StatefulSet"));
    createScaledObject("payments-so", Map.of("name", "payments"));

    assertThat(scaler.read(ORDERS).competingAutoscalers())
        .containsExactly("ScaledObject (KEDA) shop/orders-so");
  }

  @Test
  void noCompetingAutoscalerWhenNoneTargetsTheWorkload() throws Exception {
    cluster.createDeployment(NS, "orders", 3);

    assertThat(scaler.read(ORDERS).competingAutoscalers()).isEmpty();
  }

  @Test
  void aClusterWithoutTheKedaCrdHasNoCompetingScaledObject() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster
        .server
        .expect()
        .get()
        .withPath("/apis/keda.sh/v1alpha1/namespaces/shop/scaledobjects")
        .andReturn(404, notFound())
        .always();

    assertThat(scaler.read(ORDERS).competingAutoscalers()).isEmpty();
  }

  @Test
  void aMissingWorkloadIsNotFoundForReadAndScale() {
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
  void conflictingWritesAreRetriedAgainstAFreshReadUntilOneSucceeds() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster.server.expect().patch().withPath(ORDERS_SCALE).andReturn(409, conflict()).times(2);
    cluster.takeRequests();

    scaler.scale(ORDERS, 6);

    List<String> requests = cluster.takeRequests();
    assertThat(requests.stream().filter(r -> r.equals("PATCH " + ORDERS_SCALE))).hasSize(3);
    assertThat(requests.stream().filter(r -> r.equals("GET " + ORDERS_SCALE)))
        .as("one fresh read before each attempt")
        .hasSize(3);
    assertThat(scaler.read(ORDERS).desired()).isEqualTo(6);
  }

  @Test
  void aConcurrentChangeIsNotOverwrittenButRetriedOnTheNewVersion() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
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
  void aServerErrorIsAnApiError() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
    cluster
        .server
        .expect()
        .get()
        .withPath("/apis/apps/v1/namespaces/shop/deployments/orders")
        .andReturn(500, new StatusBuilder().withCode(500).withMessage("etcd timeout").build())
        .always();

    assertThatThrownBy(() -> scaler.read(ORDERS))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.API_ERROR);
              assertThat(e.getMessage()).contains("get deployments (apps)", "HTTP 500");
            });
    assertThatThrownBy(() -> scaler.scale(ORDERS, 6))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> assertThat(e.kind()).isEqualTo(ScalerException.Kind.API_ERROR));
  }

  @Test
  void anUnreachableApiServerIsAnApiError() {
    MockCluster gone = new MockCluster();
    KubernetesScaler unreachable = gone.clients("lag-scaler-0").scaler();
    gone.server.destroy();

    assertThatThrownBy(() -> unreachable.read(ORDERS))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.API_ERROR);
              assertThat(e.getMessage()).contains("no response from the API server");
            });
    gone.client.close();
  }

  @Test
  void aForbiddenWriteNamesTheVerbAndResource() throws Exception {
    cluster.createDeployment(NS, "orders", 3);
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
    cluster.takeRequests();

    scaler.scale(ORDERS, 4);

    assertThat(cluster.takeRequests()).allMatch(r -> r.startsWith("GET "));
  }

  @Test
  void competingAutoscalersAreListedOncePerNamespaceNotOncePerTarget() throws Exception {
    cluster.createDeployment(NS, "orders", 1);
    cluster.createDeployment(NS, "payments", 1);
    cluster.createStatefulSet(NS, "ledger", 1);
    cluster.takeRequests();

    scaler.read(ORDERS);
    scaler.read(new WorkloadRef(NS, WorkloadKind.DEPLOYMENT, "payments"));
    scaler.read(new WorkloadRef(NS, WorkloadKind.STATEFUL_SET, "ledger"));

    List<String> requests = cluster.takeRequests();
    assertThat(requests.stream().filter(r -> r.contains("/horizontalpodautoscalers")).count())
        .isEqualTo(1);
    assertThat(requests.stream().filter(r -> r.contains("/scaledobjects")).count()).isEqualTo(1);
  }

  @Test
  void aNewHpaIsNoticedOnceTheListAges() throws Exception {
    KubernetesScaler shortLived =
        new KubernetesScaler(cluster.client, 3, java.time.Duration.ofMillis(300));
    cluster.createDeployment(NS, "orders", 1);
    assertThat(shortLived.read(ORDERS).competingAutoscalers()).isEmpty();

    createHpa("late-hpa", "Deployment", "orders");
    assertThat(shortLived.read(ORDERS).competingAutoscalers())
        .as("still the cached list")
        .isEmpty();
    Thread.sleep(350); // the list's max age: real time in this I/O adapter

    assertThat(shortLived.read(ORDERS).competingAutoscalers())
        .containsExactly("HorizontalPodAutoscaler shop/late-hpa");
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
        .genericKubernetesResources(KubernetesScaler.KEDA_SCALED_OBJECTS)
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
