package io.lagscaler.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.lagscaler.act.DecisionRecorder;
import io.lagscaler.act.ScaleChange;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadRef;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Explains decisions where people look: {@code events.k8s.io/v1} Events on the workload ({@code
 * kubectl describe}, {@code kubectl events}) and the last decision in the workload's {@value
 * ScaleState#LAST_DECISION_ANNOTATION} annotation.
 *
 * <p>Events are rate-limited per object (a burst, then one per interval) so a flapping target
 * cannot flood the API server; the number suppressed is reported in the next Event's note.
 *
 * <p>The annotation is written with a JSON merge patch of {@code metadata.annotations} only, never
 * replicas, so RBAC needs {@code patch} on {@code deployments} and {@code statefulsets} (not only
 * on their {@code /scale}). Changing an annotation of the workload (not of its pod template) starts
 * no rollout. The alternative, keeping the last decision only in Events and the status endpoint,
 * would drop the per-workload annotation, so the narrow patch is the chosen cost.
 *
 * <p>Created by {@link KubernetesClients#recorder(Clock)}.
 */
public final class KubernetesDecisionRecorder implements DecisionRecorder {

  /** {@code reportingController} of every Event lag-scaler writes. */
  public static final String REPORTING_CONTROLLER = "lagscaler.io/controller";

  public static final String ACTION_SCALE = "Scale";
  public static final String ACTION_REFUSE = "Refuse";
  public static final String ACTION_RELOAD = "ReloadConfig";

  /** Reason of the Event on a ConfigMap whose new content was rejected. */
  public static final String REASON_CONFIG_REJECTED = "ConfigRejected";

  public static final int DEFAULT_BURST = 5;
  public static final Duration DEFAULT_REFILL = Duration.ofMinutes(1);

  /** An unchanged refusal (same reason and message) is written again only after this long. */
  public static final Duration REFUSAL_REPEAT = Duration.ofMinutes(10);

  // events.k8s.io/v1 rejects notes of 1 kB or more.
  private static final int MAX_NOTE_BYTES = 1023;

  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final java.util.function.Function<WorkloadRef, java.util.Optional<String>> cachedUids;
  private final String reportingInstance;
  private final Clock clock;
  private final EventRateLimiter limiter;
  private final AtomicLong sequence = new AtomicLong();
  private final Map<WorkloadRef, Refusal> lastRefusal = new ConcurrentHashMap<>();

  private record Refusal(String reason, String message, Instant at) {}

  KubernetesDecisionRecorder(
      KubernetesClient client,
      java.util.function.Function<WorkloadRef, java.util.Optional<String>> cachedUids,
      String reportingInstance,
      Clock clock,
      EventRateLimiter limiter) {
    this.client = Objects.requireNonNull(client, "client");
    this.cachedUids = Objects.requireNonNull(cachedUids, "cachedUids");
    this.reportingInstance = Objects.requireNonNull(reportingInstance, "reportingInstance");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.limiter = Objects.requireNonNull(limiter, "limiter");
  }

  @Override
  public void recordChange(WorkloadRef workload, ScaleChange change, boolean dryRun)
      throws ScalerException {
    String note = dryRun ? "Dry run, not applied: " + change.explanation() : change.explanation();
    writeEvent(regarding(workload), "Normal", ACTION_SCALE, change.reason(), note);
  }

  @Override
  public void recordRefusal(WorkloadRef workload, String reason, String message)
      throws ScalerException {
    // A refusal repeats every poll while its cause lasts (an HPA stays in place for days): one
    // Event per repeat window keeps it visible in kubectl describe (Events expire after an hour by
    // default) without spending the rate limit that real changes need.
    Instant now = clock.instant();
    Refusal refusal = new Refusal(reason, message, now);
    Refusal previous = lastRefusal.get(workload);
    if (previous != null
        && previous.reason().equals(reason)
        && previous.message().equals(message)
        && now.isBefore(previous.at().plus(REFUSAL_REPEAT))
        && !now.isBefore(previous.at())) {
      return;
    }
    if (writeEvent(regarding(workload), "Warning", ACTION_REFUSE, reason, message)) {
      lastRefusal.put(workload, refusal);
    }
  }

  @Override
  public void annotate(WorkloadRef workload, ScaleChange decision) throws ScalerException {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("at", decision.at().toString());
    value.put("from", decision.from());
    value.put("to", decision.to());
    value.put("reason", decision.reason());
    value.put("explanation", decision.explanation());
    String patch;
    try {
      patch =
          JSON.writeValueAsString(
              Map.of(
                  "metadata",
                  Map.of(
                      "annotations",
                      Map.of(
                          ScaleState.LAST_DECISION_ANNOTATION, JSON.writeValueAsString(value)))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a map of strings and numbers", e);
    }
    String resource = KubernetesScaler.rbacResource(workload.kind(), "");
    try {
      KubernetesScaler.named(client, workload).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      throw ApiErrors.map(e, workload, "patch", resource);
    }
  }

  /**
   * A Warning Event on lag-scaler's ConfigMap: its new content was rejected and the last good
   * config stays in force.
   */
  public void recordConfigRejected(String namespace, String configMapName, String message)
      throws ScalerException {
    ObjectReference configMap =
        new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind("ConfigMap")
            .withNamespace(namespace)
            .withName(configMapName)
            .withUid(uidOf(client.configMaps().inNamespace(namespace).withName(configMapName)))
            .build();
    writeEvent(
        configMap,
        "Warning",
        ACTION_RELOAD,
        REASON_CONFIG_REJECTED,
        "Config rejected, the last good config stays in force: " + message);
  }

  /** Writes the Event unless the rate limit holds it back; true when written. */
  private boolean writeEvent(
      ObjectReference regarding, String type, String action, String reason, String note)
      throws ScalerException {
    Instant now = clock.instant();
    String key = regarding.getKind() + "/" + regarding.getNamespace() + "/" + regarding.getName();
    EventRateLimiter.Permit permit = limiter.tryAcquire(key, now);
    if (!permit.allowed()) {
      return false;
    }
    if (permit.suppressedBefore() > 0) {
      note =
          note
              + " ("
              + permit.suppressedBefore()
              + " earlier event"
              + (permit.suppressedBefore() == 1 ? " was" : "s were")
              + " suppressed by the rate limit)";
    }
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withName(eventName(regarding.getName(), now))
            .withNamespace(regarding.getNamespace())
            .endMetadata()
            .withEventTime(new MicroTime(MICRO_TIME.format(now)))
            .withType(type)
            .withAction(action)
            .withReason(reason)
            .withNote(truncate(note))
            .withRegarding(regarding)
            .withReportingController(REPORTING_CONTROLLER)
            .withReportingInstance(reportingInstance)
            .build();
    try {
      client.events().v1().events().inNamespace(regarding.getNamespace()).resource(event).create();
      return true;
    } catch (KubernetesClientException e) {
      throw ApiErrors.map(
          e,
          regarding.getKind() + " " + regarding.getNamespace() + "/" + regarding.getName(),
          regarding.getNamespace(),
          "create",
          "events (events.k8s.io)");
    }
  }

  private ObjectReference regarding(WorkloadRef workload) {
    return new ObjectReferenceBuilder()
        .withApiVersion(workload.kind().apiVersion())
        .withKind(workload.kind().displayName())
        .withNamespace(workload.namespace())
        .withName(workload.name())
        // From the informers' cache when it holds the workload: an Event then costs one request.
        .withUid(cachedUids.apply(workload).orElseGet(() -> uidOf(resource(workload))))
        .build();
  }

  private io.fabric8.kubernetes.client.dsl.Resource<? extends HasMetadata> resource(
      WorkloadRef workload) {
    return switch (workload.kind()) {
      case DEPLOYMENT ->
          client.apps().deployments().inNamespace(workload.namespace()).withName(workload.name());
      case STATEFUL_SET ->
          client.apps().statefulSets().inNamespace(workload.namespace()).withName(workload.name());
    };
  }

  /**
   * The object's uid, or null when it cannot be read: {@code kubectl describe} finds Events by uid,
   * but an Event without one is still better than none.
   */
  private static String uidOf(io.fabric8.kubernetes.client.dsl.Resource<? extends HasMetadata> r) {
    try {
      HasMetadata object = r.get();
      return object == null ? null : object.getMetadata().getUid();
    } catch (KubernetesClientException e) {
      return null;
    }
  }

  // Like client-go: <object>.<hex time>, plus a sequence so two Events in one instant differ.
  private String eventName(String objectName, Instant now) {
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    String suffix =
        "." + Long.toHexString(nanos) + Long.toHexString(sequence.incrementAndGet() & 0xfff);
    int room = 253 - suffix.length();
    String prefix = objectName.length() > room ? objectName.substring(0, room) : objectName;
    return prefix + suffix;
  }

  private static String truncate(String note) {
    byte[] bytes = note.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_NOTE_BYTES) {
      return note;
    }
    String cut = note;
    while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_NOTE_BYTES - 3) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "...";
  }
}
