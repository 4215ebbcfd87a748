package io.lagscaler.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadKind;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.act.WorkloadSnapshot;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shared informers over the namespaces lag-scaler works in: Deployments, StatefulSets, HPAs
 * (autoscaling/v2) and, where the KEDA CRD is served, ScaledObjects (keda.sh/v1alpha1). Each is
 * listed once and then kept current by a watch, so a poll reads memory: no API request per target.
 *
 * <p>What the cache holds is only trusted while it is current: an informer that has not finished
 * its first list, or whose watch broke and has not been re-established (fabric8 re-watches, and
 * re-lists when its resourceVersion expired), makes every target of its namespace unknown ({@link
 * ScalerException.Kind#UNKNOWN}): held, never read as zero replicas or "no autoscaler".
 *
 * <p>Created by {@link KubernetesClients}; shared by its scaler and recorder.
 */
public final class WorkloadInformers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WorkloadInformers.class);

  static final ResourceDefinitionContext KEDA_SCALED_OBJECTS =
      new ResourceDefinitionContext.Builder()
          .withGroup("keda.sh")
          .withVersion("v1alpha1")
          .withKind("ScaledObject")
          .withPlural("scaledobjects")
          .withNamespaced(true)
          .build();

  static final String ANNOTATION_PREFIX = "lagscaler.io/";

  /** How often a failed ScaledObject probe (403, no answer) is tried again. */
  static final Duration KEDA_PROBE_RETRY = Duration.ofSeconds(30);

  /** Index of HPAs and ScaledObjects by what they scale: {@code Deployment/orders}. */
  private static final String BY_TARGET = "scaleTarget";

  private final KubernetesClient client;
  private final Duration syncWait;
  private final Map<String, NamespaceInformers> namespaces = new ConcurrentHashMap<>();

  WorkloadInformers(KubernetesClient client, Duration syncWait) {
    this.client = Objects.requireNonNull(client, "client");
    this.syncWait = Objects.requireNonNull(syncWait, "syncWait");
  }

  /**
   * Watches exactly these namespaces: starts informers for new ones (waiting up to the sync wait
   * for their first list, so the next poll can already read them) and stops the others.
   */
  public synchronized void follow(Set<String> wanted) {
    for (String gone : new HashSet<>(namespaces.keySet())) {
      if (!wanted.contains(gone)) {
        namespaces.remove(gone).close();
        LOG.info("stopped watching workloads in namespace {}", gone);
      }
    }
    List<CompletableFuture<Void>> syncs = new ArrayList<>();
    for (String ns : new java.util.TreeSet<>(wanted)) {
      if (!namespaces.containsKey(ns)) {
        NamespaceInformers started = new NamespaceInformers(ns);
        namespaces.put(ns, started);
        syncs.add(started.synced);
      }
    }
    if (syncs.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(syncs.toArray(CompletableFuture[]::new))
          .get(syncWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // Not an error: the informers keep trying, and their targets hold until they have synced.
      LOG.warn(
          "workload caches not synced within {} s: their targets hold until they are",
          syncWait.toSeconds());
    } catch (ExecutionException e) {
      LOG.warn("workload caches failed to sync: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The namespaces followed now. */
  public Set<String> followed() {
    return Set.copyOf(namespaces.keySet());
  }

  /** True when every followed namespace's caches are synced and watching. */
  public boolean current() {
    return namespaces.values().stream().allMatch(n -> n.problem().isEmpty());
  }

  /** The workload from the cache. */
  HasMetadata workload(WorkloadRef ref) throws ScalerException {
    NamespaceInformers ns = current(ref);
    HasMetadata object =
        switch (ref.kind()) {
          case DEPLOYMENT -> ns.deployments.getStore().getByKey(key(ref));
          case STATEFUL_SET -> ns.statefulSets.getStore().getByKey(key(ref));
        };
    if (object == null) {
      throw new ScalerException(ScalerException.Kind.NOT_FOUND, ref + " not found", null);
    }
    return object;
  }

  /** Every HPA and KEDA ScaledObject whose scale target is this workload. */
  List<String> competingAutoscalers(WorkloadRef ref) throws ScalerException {
    NamespaceInformers ns = current(ref);
    String target = ref.kind().displayName() + "/" + ref.name();
    List<String> found = new ArrayList<>();
    for (HorizontalPodAutoscaler hpa : ns.hpas.getIndexer().byIndex(BY_TARGET, target)) {
      found.add("HorizontalPodAutoscaler " + ref.namespace() + "/" + hpa.getMetadata().getName());
    }
    SharedIndexInformer<GenericKubernetesResource> scaledObjects = ns.scaledObjects;
    if (scaledObjects != null) {
      for (GenericKubernetesResource so : scaledObjects.getIndexer().byIndex(BY_TARGET, target)) {
        found.add("ScaledObject (KEDA) " + ref.namespace() + "/" + so.getMetadata().getName());
      }
    }
    return found;
  }

  /** The uid of a cached workload, for Events; empty when not cached. */
  Optional<String> uid(WorkloadRef ref) {
    NamespaceInformers ns = namespaces.get(ref.namespace());
    if (ns == null) {
      return Optional.empty();
    }
    HasMetadata object =
        switch (ref.kind()) {
          case DEPLOYMENT -> ns.deployments.getStore().getByKey(key(ref));
          case STATEFUL_SET -> ns.statefulSets.getStore().getByKey(key(ref));
        };
    return object == null ? Optional.empty() : Optional.ofNullable(object.getMetadata().getUid());
  }

  /** Every Deployment and StatefulSet of the namespace; empty when that is not known now. */
  Optional<List<WorkloadSnapshot>> workloads(String namespace) {
    NamespaceInformers ns = namespaces.get(namespace);
    if (ns == null || ns.problem().isPresent()) {
      return Optional.empty();
    }
    List<WorkloadSnapshot> all = new ArrayList<>();
    for (Deployment d : ns.deployments.getStore().list()) {
      all.add(snapshot(namespace, WorkloadKind.DEPLOYMENT, d));
    }
    for (StatefulSet s : ns.statefulSets.getStore().list()) {
      all.add(snapshot(namespace, WorkloadKind.STATEFUL_SET, s));
    }
    return Optional.of(all);
  }

  private static WorkloadSnapshot snapshot(String namespace, WorkloadKind kind, HasMetadata o) {
    return new WorkloadSnapshot(
        new WorkloadRef(namespace, kind, o.getMetadata().getName()),
        Objects.requireNonNullElse(o.getMetadata().getLabels(), Map.of()),
        lagscalerAnnotations(o));
  }

  static Map<String, String> lagscalerAnnotations(HasMetadata object) {
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

  private NamespaceInformers current(WorkloadRef ref) throws ScalerException {
    NamespaceInformers ns = namespaces.get(ref.namespace());
    if (ns == null) {
      throw new ScalerException(
          ScalerException.Kind.UNKNOWN,
          "namespace " + ref.namespace() + " is not watched (no target config names it yet)",
          null);
    }
    Optional<String> problem = ns.problem();
    if (problem.isPresent()) {
      throw new ScalerException(ScalerException.Kind.UNKNOWN, problem.get(), null);
    }
    return ns;
  }

  private static String key(WorkloadRef ref) {
    return ref.namespace() + "/" + ref.name();
  }

  @Override
  public synchronized void close() {
    namespaces.values().forEach(NamespaceInformers::close);
    namespaces.clear();
  }

  /** The informers of one namespace. */
  private final class NamespaceInformers {
    final String namespace;
    final SharedIndexInformer<Deployment> deployments;
    final SharedIndexInformer<StatefulSet> statefulSets;
    final SharedIndexInformer<HorizontalPodAutoscaler> hpas;

    /** Null where the API server does not serve ScaledObjects (no KEDA CRD), or not yet known. */
    volatile SharedIndexInformer<GenericKubernetesResource> scaledObjects;

    /** Set while ScaledObjects cannot be listed for another reason than a missing CRD. */
    volatile String kedaProblem;

    private long kedaProbedNanos;

    final CompletableFuture<Void> synced;

    NamespaceInformers(String namespace) {
      this.namespace = namespace;
      deployments = client.apps().deployments().inNamespace(namespace).runnableInformer(0);
      statefulSets = client.apps().statefulSets().inNamespace(namespace).runnableInformer(0);
      hpas =
          client
              .autoscaling()
              .v2()
              .horizontalPodAutoscalers()
              .inNamespace(namespace)
              .withIndexers(Map.of(BY_TARGET, WorkloadInformers::hpaTarget))
              .runnableInformer(0);
      List<CompletableFuture<Void>> starts = new ArrayList<>();
      for (SharedIndexInformer<?> informer : List.of(deployments, statefulSets, hpas)) {
        starts.add(start(informer));
      }
      probeKeda().ifPresent(starts::add);
      synced = CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new));
    }

    /**
     * Whether ScaledObjects are served here: one list of at most one item. A 404 means this cluster
     * has no KEDA, so there is nothing to watch; any other failure (403, no answer) leaves it
     * unknown, asked again at most every {@link #KEDA_PROBE_RETRY} while it lasts.
     */
    private synchronized Optional<CompletableFuture<Void>> probeKeda() {
      kedaProbedNanos = System.nanoTime();
      try {
        client
            .genericKubernetesResources(KEDA_SCALED_OBJECTS)
            .inNamespace(namespace)
            .list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
      } catch (KubernetesClientException e) {
        kedaProblem =
            e.getCode() == HttpURLConnection.HTTP_NOT_FOUND
                ? null
                : ApiErrors.map(e, "ScaledObjects", namespace, "list", "scaledobjects (keda.sh)")
                        .getMessage()
                    + ": whether a ScaledObject owns a workload is unknown, holding its targets";
        return Optional.empty();
      }
      kedaProblem = null;
      scaledObjects =
          client
              .genericKubernetesResources(KEDA_SCALED_OBJECTS)
              .inNamespace(namespace)
              .withIndexers(Map.of(BY_TARGET, WorkloadInformers::scaledObjectTarget))
              .runnableInformer(0);
      return Optional.of(start(scaledObjects));
    }

    private CompletableFuture<Void> start(SharedIndexInformer<?> informer) {
      // Keep retrying a failed list or watch (RBAC fixed later, API server back): the targets
      // hold meanwhile, and are decided again as soon as the cache is current.
      informer.exceptionHandler(
          (started, t) -> {
            LOG.warn(
                "{} informer in namespace {}: {} (retrying)",
                informer.getApiTypeClass().getSimpleName(),
                namespace,
                t.toString());
            return true;
          });
      return informer.start().toCompletableFuture();
    }

    List<SharedIndexInformer<?>> informers() {
      List<SharedIndexInformer<?>> all = new ArrayList<>(List.of(deployments, statefulSets, hpas));
      SharedIndexInformer<GenericKubernetesResource> so = scaledObjects;
      if (so != null) {
        all.add(so);
      }
      return all;
    }

    /** Why this namespace's cache cannot be trusted now; empty when it is current. */
    Optional<String> problem() {
      if (kedaProblem != null
          && System.nanoTime() - kedaProbedNanos > KEDA_PROBE_RETRY.toNanos()
          && scaledObjects == null) {
        probeKeda();
      }
      for (SharedIndexInformer<?> informer : informers()) {
        String what = informer.getApiTypeClass().getSimpleName();
        if (!informer.hasSynced()) {
          return Optional.of(
              "the "
                  + what
                  + " cache of namespace "
                  + namespace
                  + " has not synced yet: holding its targets");
        }
        if (!informer.isWatching()) {
          return Optional.of(
              "the "
                  + what
                  + " watch in namespace "
                  + namespace
                  + " is broken (re-watching): holding its targets");
        }
      }
      return Optional.ofNullable(kedaProblem);
    }

    synchronized void close() {
      informers().forEach(SharedIndexInformer::close);
    }
  }

  // The group is not compared: an HPA on extensions/v1beta1 or apps/v1 drives the same object.
  private static List<String> hpaTarget(HorizontalPodAutoscaler hpa) {
    CrossVersionObjectReference ref =
        hpa.getSpec() == null ? null : hpa.getSpec().getScaleTargetRef();
    if (ref == null || ref.getKind() == null || ref.getName() == null) {
      return List.of();
    }
    return List.of(ref.getKind() + "/" + ref.getName());
  }

  private static List<String> scaledObjectTarget(GenericKubernetesResource scaledObject) {
    Object name = scaledObject.get("spec", "scaleTargetRef", "name");
    Object kind = scaledObject.get("spec", "scaleTargetRef", "kind");
    // KEDA defaults scaleTargetRef.kind to Deployment.
    String targetKind = kind == null ? "Deployment" : kind.toString();
    return name == null ? List.of() : List.of(targetKind + "/" + name);
  }
}
