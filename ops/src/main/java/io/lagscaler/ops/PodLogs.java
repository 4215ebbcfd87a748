package io.lagscaler.ops;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.BytesLimitTerminateTimeTailPrettyLoggable;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.Loggable;
import io.fabric8.kubernetes.client.dsl.PodResource;
import io.fabric8.kubernetes.client.dsl.TailPrettyLoggable;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * The logs of every pod of one service (or of the whole environment), merged into one stream
 * ordered by the kubelet's timestamps, each line with the pod it came from.
 */
public final class PodLogs {

  /** The label every pod of the charts carries with its service's name. */
  static final String SERVICE_LABEL = "app.kubernetes.io/name";

  /**
   * While following, a line is printed once it has waited this long since it arrived and no line
   * stamped earlier is still waiting: a line of another pod stamped a little earlier but delivered
   * a little later (each pod is its own stream) still comes first.
   */
  static final Duration REORDER_WINDOW = Duration.ofSeconds(1);

  private static final Duration REDISCOVER = Duration.ofSeconds(5);

  private final Cluster cluster;
  private final Optional<String> service;
  private final Duration reorderWindow;

  public PodLogs(Cluster cluster, Optional<String> service) {
    this(cluster, service, REORDER_WINDOW);
  }

  /** With another wait than {@link #REORDER_WINDOW} (tests on a loaded machine). */
  PodLogs(Cluster cluster, Optional<String> service, Duration reorderWindow) {
    this.cluster = cluster;
    this.service = service;
    this.reorderWindow = reorderWindow;
  }

  /** The pods to read, by name. */
  List<Pod> pods() {
    var pods = cluster.client().pods().inNamespace(cluster.environment().namespace());
    List<Pod> found =
        service.isPresent()
            ? pods.withLabel(SERVICE_LABEL, service.get()).list().getItems()
            : pods.list().getItems();
    return found.stream()
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  /**
   * The last {@code lines} lines (of all pods together: each pod's last {@code lines} are read, so
   * none of the newest overall is missed) logged within {@code since}, oldest first.
   *
   * @throws OpsException when no pod matches
   */
  public List<LogLine> recent(OptionalInt lines, Optional<Duration> since) {
    List<Pod> pods = requirePods();
    List<LogLine> all = new ArrayList<>();
    for (Pod pod : pods) {
      for (String container : containers(pod)) {
        String source = source(pod, container);
        String log;
        try {
          log = logs(pod, container, lines, since).getLog();
        } catch (KubernetesClientException e) {
          all.add(new LogLine(Instant.EPOCH, source, "(no logs: " + ApiError.describe(e) + ")"));
          continue;
        }
        Instant previous = Instant.EPOCH;
        for (String raw : log.split("\n")) {
          if (raw.isEmpty()) {
            continue;
          }
          LogLine line = LogLine.parse(source, raw, previous);
          previous = line.at();
          all.add(line);
        }
      }
    }
    all.sort(LogLine.BY_TIME);
    return lines.isPresent() && all.size() > lines.getAsInt()
        ? all.subList(all.size() - lines.getAsInt(), all.size())
        : all;
  }

  /**
   * Streams every pod's new lines to {@code out} in time order until interrupted, starting with the
   * last {@code lines} of each; pods that appear later (a scale-up) are followed too.
   */
  public void follow(OptionalInt lines, Optional<Duration> since, Consumer<LogLine> out)
      throws InterruptedException {
    requirePods();
    LinkedBlockingQueue<Arrived> arrived = new LinkedBlockingQueue<>();
    Map<String, LogWatch> watching = new ConcurrentHashMap<>();
    Set<String> ended = ConcurrentHashMap.newKeySet();
    PriorityQueue<Arrived> held =
        new PriorityQueue<>(java.util.Comparator.comparing(Arrived::line, LogLine.BY_TIME));
    Instant nextDiscovery = Instant.MIN;
    try {
      while (!Thread.currentThread().isInterrupted()) {
        if (Instant.now().isAfter(nextDiscovery)) {
          boolean atStart = nextDiscovery == Instant.MIN;
          try {
            for (Pod pod : pods()) {
              for (String container : containers(pod)) {
                String source = source(pod, container);
                if (!watching.containsKey(source) && !ended.contains(source)) {
                  // A pod found after the start shows everything it logged: it is new.
                  watching.put(
                      source,
                      watch(
                          pod,
                          container,
                          source,
                          atStart ? lines : OptionalInt.empty(),
                          since,
                          arrived,
                          ended));
                }
              }
            }
          } catch (KubernetesClientException e) {
            // The API server hiccuped: keep streaming what is open, look again next time.
            if (atStart) {
              throw e;
            }
          }
          nextDiscovery = Instant.now().plus(REDISCOVER);
        }
        Arrived line = arrived.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
        while (line != null) {
          held.add(line);
          line = arrived.poll();
        }
        Instant due = Instant.now().minus(reorderWindow);
        while (!held.isEmpty() && !held.peek().at().isAfter(due)) {
          out.accept(held.poll().line());
        }
      }
    } finally {
      watching.values().forEach(LogWatch::close);
    }
  }

  private LogWatch watch(
      Pod pod,
      String container,
      String source,
      OptionalInt lines,
      Optional<Duration> since,
      LinkedBlockingQueue<Arrived> arrived,
      Set<String> ended) {
    LogWatch watch = logs(pod, container, lines, since).watchLog();
    Thread.ofVirtual()
        .name("logs-" + source)
        .start(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
                Instant previous = Instant.now();
                String raw;
                while ((raw = reader.readLine()) != null) {
                  LogLine line = LogLine.parse(source, raw, previous);
                  previous = line.at();
                  arrived.add(new Arrived(line, Instant.now()));
                }
              } catch (IOException closed) {
                // the pod went away or we stopped following
              } finally {
                ended.add(source);
              }
            });
    return watch;
  }

  /** A line and when it reached us, which decides how long it waits. */
  private record Arrived(LogLine line, Instant at) {}

  private List<Pod> requirePods() {
    List<Pod> pods = pods();
    if (pods.isEmpty()) {
      throw new OpsException(
          "no pods "
              + service
                  .map(s -> "of service " + s + " (label " + SERVICE_LABEL + "=" + s + ") ")
                  .orElse("")
              + "in namespace "
              + cluster.environment().namespace()
              + " of environment "
              + cluster.environment().name());
    }
    return pods;
  }

  private static List<String> containers(Pod pod) {
    return pod.getSpec() == null || pod.getSpec().getContainers() == null
        ? List.of()
        : pod.getSpec().getContainers().stream().map(Container::getName).toList();
  }

  private static String source(Pod pod, String container) {
    String name = pod.getMetadata().getName();
    return containers(pod).size() > 1 ? name + "/" + container : name;
  }

  private Loggable logs(Pod pod, String container, OptionalInt lines, Optional<Duration> since) {
    PodResource resource =
        cluster
            .client()
            .pods()
            .inNamespace(cluster.environment().namespace())
            .withName(pod.getMetadata().getName());
    BytesLimitTerminateTimeTailPrettyLoggable stamped =
        resource.inContainer(container).usingTimestamps();
    TailPrettyLoggable timed =
        since.isPresent()
            ? stamped.sinceSeconds((int) Math.max(1, since.get().toSeconds()))
            : stamped;
    return lines.isPresent() ? timed.tailingLines(lines.getAsInt()) : timed;
  }
}
