package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.Scaler;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Reads and sets replicas through the {@code /scale} subresource only. Writes are JSON merge
 * patches of {@code spec.replicas} carrying the {@code resourceVersion} just read, so a concurrent
 * change makes the API server answer 409 instead of being overwritten; the scaler then re-reads and
 * tries again, a bounded number of times.
 *
 * <p>Created by {@link KubernetesClients#scaler()}.
 */
public final class KubernetesScaler implements Scaler {

  /** Attempts at a {@code /scale} write before giving up with {@code CONFLICT}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  static final String ANNOTATION_PREFIX = "lagscaler.io/";

  static final ResourceDefinitionContext KEDA_SCALED_OBJECTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("keda.sh")
          .withVersion("v1alpha1")
          .withKind("ScaledObject")
          .withPlural("scaledobjects")
          .withNamespaced(true)
          .build();

  private final KubernetesClient client;
  private final int maxAttempts;

  KubernetesScaler(KubernetesClient client, int maxAttempts) {
    this(client, maxAttempts, AUTOSCALER_LIST_MAX_AGE);
  }

  KubernetesScaler(KubernetesClient client, int maxAttempts, java.time.Duration listMaxAge) {
    this.listMaxAge = listMaxAge;
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.client = Objects.requireNonNull(client, "client");
    this.maxAttempts = maxAttempts;
  }

  /**
   * One GET of the workload per poll: its {@code spec.replicas} and {@code status.replicas} are
   * what its {@code /scale} subresource shows (the API server serves /scale from the same object),
   * and only the object has the ready count and the annotations. Writes go through /scale.
   */
  @Override
  public ScaleState read(WorkloadRef workload) throws ScalerException {
    HasMetadata object =
        call(workload, "get", rbacResource(workload.kind(), ""), () -> resource(workload).get());
    if (object == null) {
      throw new ScalerException(ScalerException.Kind.NOT_FOUND, workload + " not found", null);
    }
    Replicas replicas = replicas(object);
    return new ScaleState(
        replicas.desired(),
        replicas.current(),
        replicas.ready(),
        lagscalerAnnotations(object),
        competingAutoscalers(workload));
  }

  @Override
  public void scale(WorkloadRef workload, int replicas) throws ScalerException {
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative, was " + replicas);
    }
    String subresource = rbacResource(workload.kind(), "/scale");
    KubernetesClientException lastConflict = null;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Scale current = readScale(workload);
      if (specReplicas(current) == replicas) {
        // Already there (perhaps written by our previous, seemingly failed, attempt): no write.
        return;
      }
      String patch =
          "{\"metadata\":{\"resourceVersion\":\""
              + current.getMetadata().getResourceVersion()
              + "\"},\"spec\":{\"replicas\":"
              + replicas
              + "}}";
      try {
        resource(workload).subresource("scale").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw ApiErrors.map(e, workload, "patch", subresource);
        }
        lastConflict = e;
      }
    }
    throw new ScalerException(
        ScalerException.Kind.CONFLICT,
        "gave up scaling "
            + workload
            + " to "
            + replicas
            + ": "
            + maxAttempts
            + " writes in a row conflicted with concurrent changes",
        lastConflict);
  }

  private Scale readScale(WorkloadRef workload) throws ScalerException {
    String subresource = rbacResource(workload.kind(), "/scale");
    Scale scale = call(workload, "get", subresource, () -> resource(workload).scale());
    if (scale == null) {
      throw new ScalerException(ScalerException.Kind.NOT_FOUND, workload + " not found", null);
    }
    return scale;
  }

  /**
   * How long a namespace's list of HPAs and ScaledObjects is reused. Listing them for every target
   * at every poll would cost two API calls per target (800 a second for 1,000 targets polled every
   * 5 s); reusing them per namespace for this long bounds the cost by namespaces, and a new
   * competing autoscaler is still noticed within it.
   */
  static final java.time.Duration AUTOSCALER_LIST_MAX_AGE = java.time.Duration.ofSeconds(15);

  /** Who scales what in a namespace: "kind/name" of the target -> the autoscaler's description. */
  private record AutoscalerTargets(Map<String, List<String>> byTarget, long listedNanos) {}

  private final java.time.Duration listMaxAge;
  private final Map<String, AutoscalerTargets> autoscalers =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Every HPA and KEDA ScaledObject in the namespace whose target is this workload. */
  private List<String> competingAutoscalers(WorkloadRef workload) throws ScalerException {
    AutoscalerTargets cached = autoscalers.get(workload.namespace());
    long now = System.nanoTime();
    if (cached == null || now - cached.listedNanos() >= listMaxAge.toNanos()) {
      cached = new AutoscalerTargets(listAutoscalers(workload), now);
      autoscalers.put(workload.namespace(), cached);
    }
    return cached
        .byTarget()
        .getOrDefault(workload.kind().displayName() + "/" + workload.name(), List.of());
  }

  private Map<String, List<String>> listAutoscalers(WorkloadRef workload) throws ScalerException {
    Map<String, List<String>> byTarget = new java.util.HashMap<>();
    List<HorizontalPodAutoscaler> hpas =
        call(
            workload,
            "list",
            "horizontalpodautoscalers (autoscaling)",
            () ->
                client
                    .autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(workload.namespace())
                    .list()
                    .getItems());
    for (HorizontalPodAutoscaler hpa : hpas) {
      CrossVersionObjectReference ref =
          hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
      // The group is not compared: an HPA on extensions/v1beta1 or apps/v1 drives the same object.
      if (ref != null && ref.getKind() != null && ref.getName() != null) {
        byTarget
            .computeIfAbsent(ref.getKind() + "/" + ref.getName(), k -> new ArrayList<>())
            .add(
                "HorizontalPodAutoscaler "
                    + workload.namespace()
                    + "/"
                    + hpa.getMetadata().getName());
      }
    }
    for (GenericKubernetesResource scaledObject : kedaScaledObjects(workload)) {
      Object name = scaledObject.get("spec", "scaleTargetRef", "name");
      Object kind = scaledObject.get("spec", "scaleTargetRef", "kind");
      // KEDA defaults scaleTargetRef.kind to Deployment.
      String targetKind = kind == null ? "Deployment" : kind.toString();
      if (name != null) {
        byTarget
            .computeIfAbsent(targetKind + "/" + name, k -> new ArrayList<>())
            .add(
                "ScaledObject (KEDA) "
                    + workload.namespace()
                    + "/"
                    + scaledObject.getMetadata().getName());
      }
    }
    return byTarget;
  }

  private List<GenericKubernetesResource> kedaScaledObjects(WorkloadRef workload)
      throws ScalerException {
    try {
      return client
          .genericKubernetesResources(KEDA_SCALED_OBJECTS)
          .inNamespace(workload.namespace())
          .list()
          .getItems();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
        // No KEDA CRD in this cluster, so no ScaledObject can compete.
        return List.of();
      }
      // A 403 is not "no KEDA": without the list we cannot know whether one competes.
      throw ApiErrors.map(e, workload, "list", "scaledobjects (keda.sh)");
    }
  }

  private ScalableResource<? extends HasMetadata> resource(WorkloadRef workload) {
    return switch (workload.kind()) {
      case DEPLOYMENT ->
          client.apps().deployments().inNamespace(workload.namespace()).withName(workload.name());
      case STATEFUL_SET ->
          client.apps().statefulSets().inNamespace(workload.namespace()).withName(workload.name());
    };
  }

  /** As RBAC names it: {@code deployments/scale (apps)}. */
  static String rbacResource(WorkloadKind kind, String subresource) {
    return resourceName(kind) + subresource + " (apps)";
  }

  static String resourceName(WorkloadKind kind) {
    return switch (kind) {
      case DEPLOYMENT -> "deployments";
      case STATEFUL_SET -> "statefulsets";
    };
  }

  // The API serializes these int32 fields with omitempty: absent means zero, not unknown.
  private static int specReplicas(Scale scale) {
    return scale.getSpec() == null || scale.getSpec().getReplicas() == null
        ? 0
        : scale.getSpec().getReplicas();
  }

  /**
   * {@code spec.replicas}, {@code status.replicas} and {@code status.readyReplicas} of a Deployment
   * or StatefulSet. The API omits zero counts (omitempty), so absent means zero.
   */
  private static Replicas replicas(HasMetadata object) {
    return switch (object) {
      case Deployment d -> {
        var spec = d.getSpec();
        var status = d.getStatus();
        yield new Replicas(
            orZero(spec == null ? null : spec.getReplicas()),
            orZero(status == null ? null : status.getReplicas()),
            orZero(status == null ? null : status.getReadyReplicas()));
      }
      case StatefulSet s -> {
        var spec = s.getSpec();
        var status = s.getStatus();
        yield new Replicas(
            orZero(spec == null ? null : spec.getReplicas()),
            orZero(status == null ? null : status.getReplicas()),
            orZero(status == null ? null : status.getReadyReplicas()));
      }
      default -> throw new IllegalStateException("not a Deployment or StatefulSet: " + object);
    };
  }

  private record Replicas(int desired, int current, int ready) {}

  private static int orZero(Integer count) {
    return count == null ? 0 : count;
  }

  private static Map<String, String> lagscalerAnnotations(HasMetadata object) {
    Map<String, String> all = object.getMetadata().getAnnotations();
    Map<String, String> ours = new TreeMap<>();
    if (all != null) {
      all.forEach(
          (key, value) -> {
            if (key.startsWith(ANNOTATION_PREFIX) && value != null) {
              ours.put(key, value);
            }
          });
    }
    return ours;
  }

  private static <T> T call(WorkloadRef workload, String verb, String resource, Supplier<T> request)
      throws ScalerException {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw ApiErrors.map(e, workload, verb, resource);
    }
  }
}
