package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.Scaler;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.act.WorkloadSnapshot;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Reads replicas from the shared informers' cache ({@link WorkloadInformers}: no API request per
 * poll) and sets them through the {@code /scale} subresource only. Writes are JSON merge patches of
 * {@code spec.replicas} carrying a {@code resourceVersion}, so a concurrent change makes the API
 * server answer 409 instead of being overwritten. The first attempt carries the cached version (one
 * request when the cache is current); after a 409 the scaler reads {@code /scale} and tries again,
 * a bounded number of times.
 *
 * <p>Created by {@link KubernetesClients#scaler()}.
 */
public final class KubernetesScaler implements Scaler {

  /** Attempts at a {@code /scale} write before giving up with {@code CONFLICT}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final WorkloadInformers informers;
  private final int maxAttempts;

  KubernetesScaler(KubernetesClient client, WorkloadInformers informers, int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.client = Objects.requireNonNull(client, "client");
    this.informers = Objects.requireNonNull(informers, "informers");
    this.maxAttempts = maxAttempts;
  }

  @Override
  public void follow(Set<String> namespaces) {
    informers.follow(namespaces);
  }

  @Override
  public Optional<List<WorkloadSnapshot>> workloads(String namespace) {
    return informers.workloads(namespace);
  }

  /**
   * From the cache: the workload's {@code spec.replicas} and {@code status.replicas} are what its
   * {@code /scale} subresource shows (the API server serves /scale from the same object), and only
   * the object has the ready count and the annotations.
   *
   * @throws ScalerException {@code UNKNOWN} while the namespace's cache is not current
   */
  @Override
  public ScaleState read(WorkloadRef workload) throws ScalerException {
    HasMetadata object = informers.workload(workload);
    Replicas replicas = replicas(object);
    return new ScaleState(
        replicas.desired(),
        replicas.current(),
        replicas.ready(),
        WorkloadInformers.lagscalerAnnotations(object),
        informers.competingAutoscalers(workload));
  }

  @Override
  public void scale(WorkloadRef workload, int replicas) throws ScalerException {
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must not be negative, was " + replicas);
    }
    String subresource = rbacResource(workload.kind(), "/scale");
    KubernetesClientException lastConflict = null;
    Optional<Versioned> known = cached(workload);
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      Versioned current = attempt == 1 && known.isPresent() ? known.get() : readScale(workload);
      if (current.replicas() == replicas) {
        // Already there (perhaps written by our previous, seemingly failed, attempt): no write.
        return;
      }
      String patch =
          "{\"metadata\":{\"resourceVersion\":\""
              + current.resourceVersion()
              + "\"},\"spec\":{\"replicas\":"
              + replicas
              + "}}";
      try {
        named(client, workload)
            .subresource("scale")
            .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
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

  /** The replicas asked for, at a resourceVersion the write can carry. */
  private record Versioned(int replicas, String resourceVersion) {}

  private Optional<Versioned> cached(WorkloadRef workload) {
    try {
      HasMetadata object = informers.workload(workload);
      return Optional.of(
          new Versioned(replicas(object).desired(), object.getMetadata().getResourceVersion()));
    } catch (ScalerException e) {
      // Not cached or not current: the write reads /scale first.
      return Optional.empty();
    }
  }

  private Versioned readScale(WorkloadRef workload) throws ScalerException {
    String subresource = rbacResource(workload.kind(), "/scale");
    Scale scale = call(workload, "get", subresource, () -> resource(workload).scale());
    if (scale == null) {
      throw new ScalerException(ScalerException.Kind.NOT_FOUND, workload + " not found", null);
    }
    return new Versioned(specReplicas(scale), scale.getMetadata().getResourceVersion());
  }

  private ScalableResource<? extends HasMetadata> resource(WorkloadRef workload) {
    return switch (workload.kind()) {
      case DEPLOYMENT ->
          client.apps().deployments().inNamespace(workload.namespace()).withName(workload.name());
      case STATEFUL_SET ->
          client.apps().statefulSets().inNamespace(workload.namespace()).withName(workload.name());
    };
  }

  /**
   * The workload by name, for a patch: fabric8 reads the object before a patch by name, unless the
   * operation is given an object (only its name and namespace are used), so a write costs the write
   * alone.
   */
  static io.fabric8.kubernetes.client.dsl.Resource<? extends HasMetadata> named(
      KubernetesClient client, WorkloadRef workload) {
    var metadata =
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(workload.name())
            .withNamespace(workload.namespace())
            .build();
    return switch (workload.kind()) {
      case DEPLOYMENT ->
          client
              .apps()
              .deployments()
              .inNamespace(workload.namespace())
              .resource(new Deployment(null, null, metadata, null, null));
      case STATEFUL_SET ->
          client
              .apps()
              .statefulSets()
              .inNamespace(workload.namespace())
              .resource(new StatefulSet(null, null, metadata, null, null));
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

  private static <T> T call(WorkloadRef workload, String verb, String resource, Supplier<T> request)
      throws ScalerException {
    try {
      return request.get();
    } catch (KubernetesClientException e) {
      throw ApiErrors.map(e, workload, verb, resource);
    }
  }
}
