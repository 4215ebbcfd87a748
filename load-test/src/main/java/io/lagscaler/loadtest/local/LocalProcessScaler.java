package io.lagscaler.loadtest.local;

import io.lagscaler.act.ScaleState;
import io.lagscaler.act.Scaler;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.loadtest.services.MetricsEndpoint;
import io.lagscaler.loadtest.services.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The act step on one machine: a workload is a service jar run as N local processes, each with its
 * own HTTP_PORT. Scaling up starts processes; scaling down sends SIGTERM to the newest and SIGKILL
 * after the grace period, in the background, so the controller's poll is never held up by a slow
 * shutdown (a Deployment's terminating pods do not block its /scale write either). A replica is
 * ready when its {@code /readyz} answers 200.
 */
public final class LocalProcessScaler implements Scaler, AutoCloseable {

  /** How to run one workload's replicas. */
  public record Workload(
      String service, Path jar, Map<String, String> env, List<String> jvmFlags, Path logDir) {
    public Workload {
      env = Map.copyOf(env);
      jvmFlags = List.copyOf(jvmFlags);
    }
  }

  private final Map<WorkloadRef, Workload> workloads = new LinkedHashMap<>();
  private final Map<WorkloadRef, List<ServiceProcess>> replicas = new ConcurrentHashMap<>();
  private final List<Thread> stopping = new ArrayList<>();
  private final Duration grace;
  private final Map<WorkloadRef, Integer> started = new LinkedHashMap<>();

  public LocalProcessScaler(Duration grace) {
    this.grace = grace;
  }

  /** Declares a workload at zero replicas. */
  public synchronized LocalProcessScaler register(WorkloadRef ref, Workload workload) {
    workloads.put(ref, workload);
    replicas.put(ref, new ArrayList<>());
    return this;
  }

  @Override
  public ScaleState read(WorkloadRef workload) throws ScalerException {
    List<ServiceProcess> running;
    synchronized (this) {
      running = List.copyOf(processes(workload));
    }
    // Probed in parallel: a replica busy starting can take its whole timeout to answer.
    List<java.util.concurrent.Future<Boolean>> probes = new ArrayList<>();
    try (var probing = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      for (ServiceProcess p : running) {
        probes.add(probing.submit(p::ready));
      }
    }
    int alive = (int) running.stream().filter(ServiceProcess::isAlive).count();
    int ready = 0;
    for (var probe : probes) {
      try {
        ready += probe.get() ? 1 : 0;
      } catch (java.util.concurrent.ExecutionException e) {
        // A probe that failed is a replica not ready.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ScalerException(ScalerException.Kind.API_ERROR, "interrupted", e);
      }
    }
    return new ScaleState(running.size(), alive, ready, Map.of(), List.of());
  }

  @Override
  public synchronized void scale(WorkloadRef workload, int count) throws ScalerException {
    if (count < 0) {
      throw new IllegalArgumentException("replicas must be >= 0, was " + count);
    }
    List<ServiceProcess> running = processes(workload);
    // A replica that died on its own is replaced, as a ReplicaSet would.
    running.removeIf(p -> !p.isAlive());
    Workload w = workloads.get(workload);
    while (running.size() < count) {
      // Numbered per workload, as a pod name would be unique: store-totals-1, store-totals-2...
      int n = started.merge(workload, 1, Integer::sum);
      try {
        running.add(
            ServiceProcess.start(
                w.service() + "-" + n, w.jar(), w.env(), w.logDir(), w.jvmFlags()));
      } catch (RuntimeException e) {
        throw new ScalerException(
            ScalerException.Kind.API_ERROR, "could not start " + w.service() + ": " + e, e);
      }
    }
    while (running.size() > count) {
      ServiceProcess victim = running.removeLast();
      stopping.add(
          Thread.ofVirtual().name("stop-" + victim.name()).start(() -> victim.stop(grace)));
    }
  }

  /** The replicas asked for, without probing them. */
  public synchronized int desired(WorkloadRef workload) throws ScalerException {
    return processes(workload).size();
  }

  /** The metrics endpoint of each replica (job: the service; pod: the replica's name). */
  public synchronized List<MetricsEndpoint> metricsEndpoints(WorkloadRef workload)
      throws ScalerException {
    return processes(workload).stream()
        .map(
            p ->
                new MetricsEndpoint(
                    workloads.get(workload).service(), p.name(), p.address(), "/metrics"))
        .toList();
  }

  /** The process ids of a workload's replicas, oldest first (for logs and tests). */
  public synchronized List<Long> pids(WorkloadRef workload) throws ScalerException {
    return processes(workload).stream().map(ServiceProcess::pid).toList();
  }

  private List<ServiceProcess> processes(WorkloadRef workload) throws ScalerException {
    List<ServiceProcess> list = replicas.get(workload);
    if (list == null) {
      throw new ScalerException(
          ScalerException.Kind.NOT_FOUND, workload + " is not a local workload", null);
    }
    return list;
  }

  /** Stops every replica (SIGTERM, SIGKILL after the grace) and waits for them. */
  @Override
  public void close() {
    synchronized (this) {
      for (WorkloadRef ref : workloads.keySet()) {
        try {
          scale(ref, 0);
        } catch (ScalerException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    List<Thread> waiting;
    synchronized (this) {
      waiting = List.copyOf(stopping);
    }
    for (Thread t : waiting) {
      try {
        t.join(grace.plusSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
