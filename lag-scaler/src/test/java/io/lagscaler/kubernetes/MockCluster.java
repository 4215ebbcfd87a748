package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * fabric8's mock API server in CRUD mode, plus what the tests need beyond it: recorded expectations
 * (injected 409, 403, 500) take precedence over the CRUD store, a hook runs a write against the
 * store just before a matching request (a concurrent writer), and helpers play the deployment
 * controller the mock does not run (status.replicas, readyReplicas).
 */
final class MockCluster implements AutoCloseable {

  KubernetesMockServer server;
  final KubernetesClient client;
  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private final KubernetesMixedDispatcher store = new KubernetesMixedDispatcher(responses);
  private final List<Interception> interceptions = new CopyOnWriteArrayList<>();
  private volatile boolean restarting;

  MockCluster() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, new Intercepting(), false);
    server.init();
    // fabric8 retries 5xx up to 10 times with exponential backoff; one retry keeps the tests fast
    // while still exercising that path.
    client =
        server.createClient(
            b ->
                b.editOrNewConfig()
                    .withRequestRetryBackoffLimit(1)
                    .withRequestRetryBackoffInterval(10)
                    .endConfig());
  }

  KubernetesClients clients(String identity) {
    return KubernetesClients.of(client, identity);
  }

  Deployment createDeployment(String namespace, String name, int replicas) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("consumer")
                .withImage("example/consumer:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  StatefulSet createStatefulSet(String namespace, String name, int replicas) {
    return client
        .apps()
        .statefulSets()
        .inNamespace(namespace)
        .resource(
            new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withServiceName(name)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("consumer")
                .withImage("example/consumer:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  /** An autoscaling/v2 HPA whose scaleTargetRef is {@code kind/target}: a competing autoscaler. */
  void createHpa(String namespace, String name, String kind, String target) {
    client
        .autoscaling()
        .v2()
        .horizontalPodAutoscalers()
        .inNamespace(namespace)
        .resource(
            new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind(kind)
                .withName(target)
                .endScaleTargetRef()
                .withMinReplicas(1)
                .withMaxReplicas(10)
                .endSpec()
                .build())
        .create();
  }

  /** Adds labels and annotations to a Deployment's metadata. */
  void labelDeployment(
      String namespace, String name, Map<String, String> labels, Map<String, String> annotations) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .edit(
            d -> {
              Map<String, String> l =
                  new HashMap<>(
                      d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels());
              l.putAll(labels);
              Map<String, String> a =
                  new HashMap<>(
                      d.getMetadata().getAnnotations() == null
                          ? Map.of()
                          : d.getMetadata().getAnnotations());
              a.putAll(annotations);
              d.getMetadata().setLabels(l);
              d.getMetadata().setAnnotations(a);
              return d;
            });
  }

  /** What the deployment controller would write: pods that exist and pods that are ready. */
  void deploymentStatus(String namespace, String name, int replicas, int ready) {
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            d -> {
              d.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
                      .withReplicas(replicas)
                      .withReadyReplicas(ready)
                      .build());
              return d;
            });
  }

  void statefulSetStatus(String namespace, String name, int replicas, int ready) {
    client
        .apps()
        .statefulSets()
        .inNamespace(namespace)
        .withName(name)
        .editStatus(
            s -> {
              s.setStatus(
                  new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
                      .withReplicas(replicas)
                      .withReadyReplicas(ready)
                      .build());
              return s;
            });
  }

  /**
   * Before the next {@code times} requests with this method and path reach the store, applies a
   * JSON merge patch to {@code patchPath} directly in the store: a concurrent writer that wins.
   */
  void concurrentMergePatchBefore(
      String method, String path, int times, String patchPath, String mergePatch) {
    interceptions.add(
        new Interception(method, path, new AtomicInteger(times), patchPath, mergePatch));
  }

  /**
   * Stops the API server (every open watch breaks, new requests are refused) and starts it again on
   * the same port after {@code whileDown} ran against the store, as an API server restart does:
   * what changed meanwhile reaches clients only by re-listing.
   */
  void restartApiServer(Runnable whileDown) {
    int port = server.getPort();
    restarting = true;
    server.destroy();
    restarting = false;
    whileDown.run();
    // A stopped mock server cannot start again: a new one on the same port and the same store.
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, new Intercepting(), false);
    server.init(java.net.InetAddress.getLoopbackAddress(), port);
  }

  /** A JSON merge patch applied to the store directly, not through the HTTP server. */
  void mergePatchInStore(String path, String mergePatch) {
    store.dispatch(
        new RecordedRequest(
            "HTTP/1.1",
            HttpMethod.PATCH,
            path,
            Headers.builder().add("Content-Type", "application/merge-patch+json").build(),
            new Buffer(mergePatch.getBytes(StandardCharsets.UTF_8))));
  }

  /** Every request the server received since the last call, as {@code METHOD path}. */
  List<String> takeRequests() throws InterruptedException {
    List<String> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request.getMethod() + " " + request.getPath());
    }
    return requests;
  }

  @Override
  public void close() {
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException slowShutdown) {
      // The mock waits 10 s for its connections to drain, and a watch the closed client just
      // cancelled can outlast that on a loaded machine. The server is the stand-in, not the code
      // under test, and its port is not reused: only report it.
      System.err.println("mock API server shutdown: " + slowShutdown.getMessage());
    }
  }

  private record Interception(
      String method, String path, AtomicInteger remaining, String patchPath, String mergePatch) {}

  private final class Intercepting extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      for (Interception i : interceptions) {
        if (i.method().equals(request.getMethod())
            && i.path().equals(request.getPath())
            && i.remaining().getAndDecrement() > 0) {
          mergePatchInStore(i.patchPath(), i.mergePatch());
        }
      }
      return store.dispatch(request);
    }

    @Override
    public void shutdown() {
      if (restarting) {
        return; // the store outlives a restart
      }
      store.shutdown();
    }
  }
}
