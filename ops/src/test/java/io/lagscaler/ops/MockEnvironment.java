package io.lagscaler.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPOutputStream;

/**
 * The dev environment on fabric8's mock API server (CRUD, plus recorded answers for what CRUD does
 * not serve: pod logs and the service proxy), a kubeconfig whose context {@code lag-scaler-dev}
 * points at it, and Helm releases stored as Helm stores them (Secrets of gzipped JSON).
 */
final class MockEnvironment implements AutoCloseable {

  static final String NAMESPACE = "application";

  final KubernetesMockServer server;
  final KubernetesClient client;
  final Path kubeconfig;

  /** The paths (with their queries) of every log request, in order. */
  final List<String> logRequests = new CopyOnWriteArrayList<>();

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
  private final Map<String, String> logs = new ConcurrentHashMap<>();
  private final Map<String, String> proxied = new ConcurrentHashMap<>();

  MockEnvironment(Path dir) {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), responses, new Answering(), false);
    server.init();
    client = server.createClient();
    kubeconfig = dir.resolve("kubeconfig");
    try {
      Files.writeString(
          kubeconfig,
          """
          apiVersion: v1
          kind: Config
          current-context: somewhere-else
          clusters:
            - name: dev
              cluster:
                server: %s
            - name: other
              cluster:
                server: https://192.0.2.1
          contexts:
            - name: lag-scaler-dev
              context: {cluster: dev, user: dev, namespace: %s}
            - name: somewhere-else
              context: {cluster: other, user: dev}
          users:
            - name: dev
              user: {token: test-token}
          """
              .formatted(client.getMasterUrl().toString(), NAMESPACE));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A running pod of {@code service} with one container named after it. */
  void pod(String name, String service) {
    client
        .pods()
        .inNamespace(NAMESPACE)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .addToLabels(PodLogs.SERVICE_LABEL, service)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(service)
                .withImage("lagscaler/" + service + ":1")
                .endContainer()
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build())
        .create();
  }

  /** What the log API answers for {@code pod} (whatever the query: tail, since, timestamps). */
  void logs(String pod, String text) {
    logs.put("/api/v1/namespaces/" + NAMESPACE + "/pods/" + pod + "/log", text);
  }

  /** Revision {@code revision} of {@code release} in Helm's storage. */
  void release(String release, int revision, String status, String chartVersion) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("apiVersion", "v2");
    metadata.put("name", release);
    metadata.put("version", chartVersion);
    metadata.put("appVersion", chartVersion);
    Map<String, Object> chart = new LinkedHashMap<>();
    chart.put("metadata", metadata);
    chart.put("templates", List.of());
    chart.put("values", Map.of());
    chart.put("files", List.of());
    String when = "2026-12-0" + revision + "T10:00:00Z";
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("first_deployed", "2026-12-01T10:00:00Z");
    info.put("last_deployed", when);
    info.put("deleted", "");
    info.put("description", revision == 1 ? "Install complete" : "Upgrade complete");
    info.put("status", status);
    Map<String, Object> stored = new LinkedHashMap<>();
    stored.put("name", release);
    stored.put("info", info);
    stored.put("chart", chart);
    stored.put("config", Map.of("replicaCount", revision));
    stored.put("manifest", "");
    stored.put("version", revision);
    stored.put("namespace", NAMESPACE);
    client
        .secrets()
        .inNamespace(NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("sh.helm.release.v1." + release + ".v" + revision)
                .withNamespace(NAMESPACE)
                .addToLabels("name", release)
                .addToLabels("owner", "helm")
                .addToLabels("status", status)
                .addToLabels("version", Integer.toString(revision))
                .endMetadata()
                .withType("helm.sh/release.v1")
                .addToData("release", encode(stored))
                .build())
        .create();
  }

  /** Helm's storage encoding (gzip, base64), inside the API's base64 of Secret data. */
  static String encode(Object release) {
    try {
      ByteArrayOutputStream gz = new ByteArrayOutputStream();
      try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
        out.write(new ObjectMapper().writeValueAsBytes(release));
      }
      String helm = Base64.getEncoder().encodeToString(gz.toByteArray());
      return Base64.getEncoder().encodeToString(helm.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** lag-scaler's /status behind its Service, as the API server's proxy would pass it on. */
  void scalerStatus(String json) {
    proxied.put("/" + ScalerStatus.proxyPath(devEnvironment()), json);
  }

  /**
   * CRUD for objects; the log API and the service proxy, which CRUD does not serve, from what the
   * test set. Every answer says it is JSON: Helm's client-go asks for protobuf first and reads an
   * answer without a content type as protobuf.
   */
  private final class Answering extends Dispatcher {
    private final KubernetesMixedDispatcher crud = new KubernetesMixedDispatcher(responses);

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath().split("\\?")[0];
      if (path.endsWith("/log")) {
        logRequests.add(request.getPath());
        String text = logs.get(path);
        return text == null
            ? new MockResponse().setResponseCode(404)
            : new MockResponse().setResponseCode(200).setBody(text);
      }
      if (path.contains("/proxy/")) {
        String body = proxied.get(path);
        return body == null
            ? new MockResponse().setResponseCode(503).setBody("no endpoints available")
            : new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
      }
      MockResponse response = crud.dispatch(request);
      // A real API server names a list's kind (SecretList); the CRUD mock says "List", which
      // Helm's client-go decodes as a generic list with no Secrets in it.
      if (path.endsWith("/secrets") && response.getBody() != null) {
        String body = response.getBody().readUtf8();
        response.setBody(body.replaceFirst("\"kind\":\\s*\"List\"", "\"kind\":\"SecretList\""));
      }
      if (response.header("Content-Type") == null) {
        response.setHeader("Content-Type", "application/json");
      }
      return response;
    }
  }

  static Environment devEnvironment() {
    return Environments.load(java.util.Optional.empty()).get("dev");
  }

  /** Runs {@code ops args...}: exit code, standard output and error. */
  Run run(String... args) {
    return Run.of(args);
  }

  record Run(int exit, String out, String err) {
    static Run of(String... args) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      var cli = OpsMain.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int exit = cli.execute(args);
      return new Run(exit, out.toString(), err.toString());
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
