package io.lagscaler.controller;

import io.lagscaler.config.ScalerConfig;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.LagReader;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reader and one signal history per Kafka cluster, all read in parallel at each poll. Each
 * cluster's read is bounded by its own request timeout; a cluster that is down, slow, or whose
 * client cannot be opened leaves its own groups unavailable (their targets hold on unknown data)
 * while the other clusters' groups are read and decided as usual.
 */
final class ClusterObservers implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterObservers.class);

  private final LagReaders readers;
  private final Clock clock;
  private final Map<String, Observer> observers = new LinkedHashMap<>();
  private final ExecutorService pool =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("kafka-read-", 0).factory());

  ClusterObservers(LagReaders readers, Clock clock) {
    this.readers = readers;
    this.clock = clock;
  }

  /** What one cluster's poll found, signals by group id. */
  record ClusterRead(Poll poll, Map<String, GroupSignals> signals) {}

  /** One cluster: its reader (null when it could not be opened) and its history. */
  private static final class Observer {
    final ScalerConfig.KafkaConfig settings;
    final LagReader reader;
    final String openError;
    SignalSettings signalSettings;
    SignalTracker tracker;
    Future<ClusterRead> running;

    Observer(ScalerConfig.KafkaConfig settings, LagReader reader, String openError) {
      this.settings = settings;
      this.reader = reader;
      this.openError = openError;
    }
  }

  /**
   * Adopts a config: a cluster whose settings are unchanged keeps its reader and history (reset
   * when the signal settings change); a new or changed cluster gets a new reader and a fresh
   * history (the old one may describe another cluster); a removed cluster's reader is closed.
   */
  void configure(ScalerConfig next) {
    observers
        .entrySet()
        .removeIf(
            e -> {
              ScalerConfig.KafkaConfig wanted = next.kafkaClusters().get(e.getKey());
              if (wanted != null && wanted.equals(e.getValue().settings)) {
                return false;
              }
              close(e.getKey(), e.getValue());
              return true;
            });
    next.kafkaClusters()
        .forEach(
            (name, settings) -> {
              Observer o = observers.computeIfAbsent(name, n -> open(n, settings));
              if (!next.signals().equals(o.signalSettings)) {
                o.signalSettings = next.signals();
                o.tracker = new SignalTracker(next.signals());
              }
            });
  }

  private Observer open(String name, ScalerConfig.KafkaConfig settings) {
    try {
      return new Observer(settings, readers.connect(name, settings), null);
    } catch (RuntimeException e) {
      // A client Kafka refuses to build fails this cluster only; the config was valid.
      LOG.error("kafka cluster {}: cannot open a client: {}", name, e.getMessage());
      return new Observer(settings, null, "cannot open a client: " + e.getMessage());
    }
  }

  /**
   * Reads every cluster that has some of these targets (the config's and discovered ones), in
   * parallel, each within twice its request timeout (the reader's own deadline covers its calls;
   * the margin covers the last call's own timeout).
   */
  Map<String, ClusterRead> pollAll(List<ScalerConfig.Target> targets) {
    Map<String, Future<ClusterRead>> started = new LinkedHashMap<>();
    Map<String, ClusterRead> out = new LinkedHashMap<>();
    for (var entry : observers.entrySet()) {
      String name = entry.getKey();
      Observer o = entry.getValue();
      List<GroupQuery> queries = ScalerConfig.groupQueries(targets, name);
      if (queries.isEmpty()) {
        continue;
      }
      if (o.reader == null) {
        out.put(name, unavailable(o, queries, name, o.openError));
      } else if (o.running != null && !o.running.isDone()) {
        out.put(name, unavailable(o, queries, name, "the previous read has not finished"));
      } else {
        o.running = pool.submit(() -> read(o, queries));
        started.put(name, o.running);
      }
    }
    started.forEach(
        (name, future) -> {
          Observer o = observers.get(name);
          List<GroupQuery> queries = ScalerConfig.groupQueries(targets, name);
          Duration budget = o.settings.requestTimeout().multipliedBy(2).plusSeconds(1);
          try {
            out.put(name, future.get(budget.toMillis(), TimeUnit.MILLISECONDS));
          } catch (TimeoutException e) {
            out.put(
                name,
                unavailable(o, queries, name, "no answer within " + budget.toMillis() + " ms"));
          } catch (ExecutionException e) {
            LOG.error("kafka cluster {}: read failed", name, e.getCause());
            out.put(name, unavailable(o, queries, name, "read failed: " + e.getCause()));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.put(name, unavailable(o, queries, name, "interrupted"));
          }
        });
    // Config order, whatever order the reads finished in.
    Map<String, ClusterRead> ordered = new LinkedHashMap<>();
    observers
        .keySet()
        .forEach(
            n -> {
              if (out.containsKey(n)) {
                ordered.put(n, out.get(n));
              }
            });
    return ordered;
  }

  private static ClusterRead read(Observer o, List<GroupQuery> queries) {
    Poll poll =
        o.reader.poll(
            queries, o.signalSettings.timeLag() == SignalSettings.TimeLagSource.RECORD_TIMESTAMP);
    synchronized (o) {
      return new ClusterRead(poll, o.tracker.update(poll, queries));
    }
  }

  private ClusterRead unavailable(
      Observer o, List<GroupQuery> queries, String cluster, String why) {
    Poll poll =
        Poll.failed(
            clock.instant(),
            queries.stream().map(GroupQuery::group).toList(),
            "kafka cluster " + cluster + ": " + why);
    synchronized (o) {
      return new ClusterRead(poll, o.tracker.update(poll, queries));
    }
  }

  private static void close(String name, Observer o) {
    if (o.reader != null) {
      try {
        o.reader.close();
      } catch (RuntimeException e) {
        LOG.warn("kafka cluster {}: closing its client: {}", name, e.toString());
      }
    }
  }

  @Override
  public void close() {
    observers.forEach(ClusterObservers::close);
    observers.clear();
    pool.shutdownNow();
  }
}
