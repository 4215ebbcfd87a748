package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.lagscaler.act.ScaleChange;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KubernetesDecisionRecorderTest {

  private static final String NS = "shop";
  private static final WorkloadRef ORDERS = new WorkloadRef(NS, WorkloadKind.DEPLOYMENT, "orders");
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String EXPLANATION =
      "Scaled up from 3 to 6: lag 48,210, time lag 41 s > target 30 s, arrival 2,140 msg/s,"
          + " per-replica 410 msg/s";

  private MockCluster cluster;
  private MutableClock clock;
  private KubernetesDecisionRecorder recorder;

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
    clock = new MutableClock(T0);
    recorder = cluster.clients("lag-scaler-7d9f-x2x").recorder(clock);
    cluster.createDeployment(NS, "orders", 3);
  }

  @AfterEach
  void stopMockApiServer() {
    cluster.close();
  }

  @Test
  void aScaleIsExplainedInAnEventOnTheWorkload() throws Exception {
    recorder.recordChange(ORDERS, new ScaleChange(T0, 3, 6, "LagAboveTarget", EXPLANATION), false);

    Event event = events(NS).getFirst();
    assertThat(events(NS)).hasSize(1);
    assertThat(event.getAction()).isEqualTo("Scale");
    assertThat(event.getType()).isEqualTo("Normal");
    assertThat(event.getReason()).isEqualTo("LagAboveTarget");
    assertThat(event.getNote()).isEqualTo(EXPLANATION);
    assertThat(event.getReportingController()).isEqualTo("lagscaler.io/controller");
    assertThat(event.getReportingInstance()).isEqualTo("lag-scaler-7d9f-x2x");
    assertThat(event.getEventTime().getTime()).isEqualTo("2026-11-22T10:00:00.000000Z");
    assertThat(event.getRegarding().getKind()).isEqualTo("Deployment");
    assertThat(event.getRegarding().getApiVersion()).isEqualTo("apps/v1");
    assertThat(event.getRegarding().getName()).isEqualTo("orders");
    assertThat(event.getRegarding().getNamespace()).isEqualTo(NS);
    // kubectl describe finds Events by the object's uid.
    assertThat(event.getRegarding().getUid())
        .isNotBlank()
        .isEqualTo(
            cluster
                .client
                .apps()
                .deployments()
                .inNamespace(NS)
                .withName("orders")
                .get()
                .getMetadata()
                .getUid());
  }

  @Test
  void aDryRunEventSaysItWasNotApplied() throws Exception {
    recorder.recordChange(ORDERS, new ScaleChange(T0, 3, 6, "LagAboveTarget", EXPLANATION), true);

    assertThat(events(NS).getFirst().getNote()).isEqualTo("Dry run, not applied: " + EXPLANATION);
  }

  @Test
  void aRefusalIsAWarningWithTheReason() throws Exception {
    recorder.recordRefusal(
        ORDERS,
        "CompetingAutoscaler",
        "Not scaling: HorizontalPodAutoscaler shop/orders-hpa targets this Deployment");

    Event event = events(NS).getFirst();
    assertThat(event.getAction()).isEqualTo("Refuse");
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("CompetingAutoscaler");
    assertThat(event.getNote()).contains("HorizontalPodAutoscaler shop/orders-hpa");
  }

  @Test
  void anUnchangedRefusalIsRepeatedOnlyAfterTheRepeatWindow() throws Exception {
    String hpa = "Not scaling: HorizontalPodAutoscaler shop/orders-hpa targets this Deployment";
    recorder.recordRefusal(ORDERS, "CompetingAutoscaler", hpa);
    for (int poll = 1; poll <= 39; poll++) {
      clock.advance(Duration.ofSeconds(15));
      recorder.recordRefusal(ORDERS, "CompetingAutoscaler", hpa);
    }
    assertThat(eventsAbout("orders")).as("ten minutes of polls, one Event").hasSize(1);

    recorder.recordRefusal(ORDERS, "Paused", "Not scaling: lagscaler.io/paused is true");
    assertThat(eventsAbout("orders")).as("a different refusal is news").hasSize(2);

    clock.advance(Duration.ofSeconds(15));
    recorder.recordRefusal(ORDERS, "CompetingAutoscaler", hpa);
    assertThat(eventsAbout("orders")).as("the cause changed back").hasSize(3);
    clock.advance(KubernetesDecisionRecorder.REFUSAL_REPEAT);
    recorder.recordRefusal(ORDERS, "CompetingAutoscaler", hpa);
    assertThat(eventsAbout("orders")).as("repeated after the window").hasSize(4);
  }

  @Test
  void eventsAreRateLimitedPerWorkloadAndTheNextOneCountsTheSuppressed() throws Exception {
    cluster.createDeployment(NS, "payments", 2);
    WorkloadRef payments = new WorkloadRef(NS, WorkloadKind.DEPLOYMENT, "payments");
    for (int i = 0; i < 8; i++) {
      recorder.recordChange(ORDERS, change(i), false);
    }
    recorder.recordChange(payments, change(0), false);

    assertThat(eventsAbout("orders")).hasSize(5);
    assertThat(eventsAbout("payments")).hasSize(1);

    clock.advance(Duration.ofSeconds(59));
    recorder.recordChange(ORDERS, change(8), false);
    assertThat(eventsAbout("orders")).hasSize(5);

    clock.advance(Duration.ofSeconds(1));
    recorder.recordChange(ORDERS, change(9), false);
    List<Event> orders = eventsAbout("orders");
    assertThat(orders).hasSize(6);
    assertThat(orders.getLast().getNote())
        .isEqualTo("flap 9 (4 earlier events were suppressed by the rate limit)");
  }

  @Test
  void theLastDecisionIsWrittenIntoTheAnnotationAndNothingElseChanges() throws Exception {
    cluster
        .client
        .apps()
        .deployments()
        .inNamespace(NS)
        .withName("orders")
        .edit(
            d -> {
              d.getMetadata().getAnnotations().put(ScaleState.PAUSED_ANNOTATION, "false");
              return d;
            });

    recorder.annotate(ORDERS, new ScaleChange(T0, 3, 6, "LagAboveTarget", EXPLANATION));

    var orders = cluster.client.apps().deployments().inNamespace(NS).withName("orders").get();
    assertThat(orders.getSpec().getReplicas()).isEqualTo(3);
    assertThat(orders.getMetadata().getAnnotations())
        .containsEntry(ScaleState.PAUSED_ANNOTATION, "false");
    JsonNode last =
        new ObjectMapper()
            .readTree(
                orders.getMetadata().getAnnotations().get(ScaleState.LAST_DECISION_ANNOTATION));
    assertThat(last.path("at").asText()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(last.path("from").asInt()).isEqualTo(3);
    assertThat(last.path("to").asInt()).isEqualTo(6);
    assertThat(last.path("reason").asText()).isEqualTo("LagAboveTarget");
    assertThat(last.path("explanation").asText()).isEqualTo(EXPLANATION);
    assertThat(cluster.takeRequests())
        .contains("PATCH /apis/apps/v1/namespaces/shop/deployments/orders")
        .noneMatch(r -> r.startsWith("PUT "));
  }

  @Test
  void aRejectedConfigIsAWarningEventOnTheConfigMap() throws Exception {
    cluster
        .client
        .configMaps()
        .inNamespace("lag-scaler")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("lag-scaler-config")
                .withNamespace("lag-scaler")
                .endMetadata()
                .addToData("config.yaml", "targets: []")
                .build())
        .create();

    recorder.recordConfigRejected(
        "lag-scaler", "lag-scaler-config", "targets[2].maxReplicas: 0 is below minReplicas 1");

    Event event = events("lag-scaler").getFirst();
    assertThat(event.getType()).isEqualTo("Warning");
    assertThat(event.getReason()).isEqualTo("ConfigRejected");
    assertThat(event.getRegarding().getKind()).isEqualTo("ConfigMap");
    assertThat(event.getRegarding().getName()).isEqualTo("lag-scaler-config");
    assertThat(event.getRegarding().getUid()).isNotBlank();
    assertThat(event.getNote()).contains("targets[2].maxReplicas: 0 is below minReplicas 1");
  }

  @Test
  void aForbiddenEventNamesTheMissingVerb() {
    cluster
        .server
        .expect()
        .post()
        .withPath("/apis/events.k8s.io/v1/namespaces/shop/events")
        .andReturn(403, "{}")
        .always();

    assertThatThrownBy(
            () ->
                recorder.recordChange(
                    ORDERS, new ScaleChange(T0, 3, 6, "LagAboveTarget", EXPLANATION), false))
        .isInstanceOfSatisfying(
            ScalerException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ScalerException.Kind.FORBIDDEN);
              assertThat(e.getMessage())
                  .contains("create events (events.k8s.io) in namespace shop");
            });
  }

  @Test
  void anOverlongNoteIsCutBelowTheApiLimit() throws Exception {
    recorder.recordChange(
        ORDERS, new ScaleChange(T0, 3, 6, "LagAboveTarget", "é".repeat(800)), false);

    String note = events(NS).getFirst().getNote();
    assertThat(note.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(1024);
    assertThat(note).endsWith("...");
  }

  private static ScaleChange change(int i) {
    return new ScaleChange(T0, 3, 4, "LagAboveTarget", "flap " + i);
  }

  private List<Event> events(String namespace) {
    return cluster.client.events().v1().events().inNamespace(namespace).list().getItems().stream()
        .sorted(Comparator.comparing(e -> e.getMetadata().getName()))
        .toList();
  }

  private List<Event> eventsAbout(String name) {
    return events(NS).stream().filter(e -> e.getRegarding().getName().equals(name)).toList();
  }
}
