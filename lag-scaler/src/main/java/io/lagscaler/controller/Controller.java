package io.lagscaler.controller;

import io.lagscaler.act.DecisionRecorder;
import io.lagscaler.act.Leadership;
import io.lagscaler.act.ScaleState;
import io.lagscaler.act.Scaler;
import io.lagscaler.act.ScalerException;
import io.lagscaler.act.WorkloadRef;
import io.lagscaler.config.ConfigParser;
import io.lagscaler.config.InvalidConfigException;
import io.lagscaler.config.ScalerConfig;
import io.lagscaler.decide.Decision;
import io.lagscaler.decide.DecisionEngine;
import io.lagscaler.decide.DecisionState;
import io.lagscaler.decide.ScalingPolicy;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop: each poll observes every group in one batched read, then per target reads the
 * workload (from the informers' cache), decides, plans what to do with the decision ({@link Plan},
 * pure) and has the {@link Actuator} carry it out. One target's failure never stops the others: it
 * is reported and retried with backoff. Config changes are offered at any time and apply at the
 * next poll; an invalid one is rejected whole and the last good config stays in force.
 */
public final class Controller implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

  private final ClusterObservers clusters;
  private final Scaler scaler;
  private final Actuator actuator;
  private final Leadership leadership;
  private final ScalerMetrics metrics;
  private final Clock clock;
  private final Consumer<ControllerStatus.ConfigRejection> rejections;
  private final Function<String, String> environment;
  private final boolean dryRunOverride;

  private final AtomicReference<ScalerConfig> pending = new AtomicReference<>();
  private final Map<String, TargetState> targets = new HashMap<>();
  private volatile ControllerStatus status;
  private ScalerConfig config;
  private Instant configLoadedAt;
  private volatile ControllerStatus.ConfigRejection rejection;
  private final TargetDiscovery discovery = new TargetDiscovery();
  private List<ScalerMetrics.TargetLimits> publishedLimits = List.of();
  private List<ControllerStatus.DiscoveryIssue> issues = List.of();
  private DecisionEngine engine;
  private Poll.PollStats lastPoll;
  private Instant lastSuccessfulPoll;

  public Controller(
      LagReaders readers,
      Scaler scaler,
      DecisionRecorder recorder,
      Leadership leadership,
      ScalerMetrics metrics,
      Clock clock,
      Consumer<ControllerStatus.ConfigRejection> rejections,
      Function<String, String> environment,
      boolean dryRunOverride) {
    this.environment = environment;
    this.dryRunOverride = dryRunOverride;
    this.clusters = new ClusterObservers(readers, clock);
    this.scaler = scaler;
    this.actuator = new Actuator(scaler, recorder, metrics);
    this.leadership = leadership;
    this.metrics = metrics;
    this.clock = clock;
    this.rejections = rejections;
    this.status = snapshot(List.of());
  }

  /**
   * Offers config text (from the ConfigMap or a file). A valid config applies at the next poll; an
   * invalid one is rejected with every error, and the config in force stays.
   *
   * @return true when accepted
   */
  public boolean offer(String yaml, String origin) {
    try {
      ScalerConfig parsed = ConfigParser.parse(yaml);
      // Secrets must resolve now: a config whose password is missing is rejected, not applied.
      resolveSecrets(parsed);
      pending.set(parsed);
      rejection = null;
      metrics.configReload(true);
      LOG.info(
          "config from {} accepted: {} targets, applies at the next poll",
          origin,
          parsed.targets().size());
      return true;
    } catch (InvalidConfigException e) {
      ControllerStatus.ConfigRejection r =
          new ControllerStatus.ConfigRejection(clock.instant(), origin, e.getMessage());
      rejection = r;
      metrics.configReload(false);
      LOG.warn(
          "config from {} rejected, the {} stays in force: {}",
          origin,
          config == null && pending.get() == null ? "(no config yet)" : "last good config",
          e.getMessage());
      rejections.accept(r);
      status = snapshot(status.targets());
      return false;
    }
  }

  /** Whether a config has been applied and Kafka has answered at least once. */
  public boolean ready() {
    // From the published snapshot, so /readyz and /status never disagree.
    ControllerStatus s = status;
    return s.configLoadedAt().isPresent() && s.lastSuccessfulPoll().isPresent();
  }

  /** The current config's poll interval (or the default before one applies). */
  public Duration pollInterval() {
    ScalerConfig c = config != null ? config : pending.get();
    return c == null ? Duration.ofSeconds(5) : c.pollInterval();
  }

  /** The last poll's status, with leadership as of now (it changes between polls). */
  public ControllerStatus status() {
    ControllerStatus s = status;
    return new ControllerStatus(
        s.at(),
        s.identity(),
        leadership.isLeader(),
        leadership.currentLeader(),
        s.configLoadedAt(),
        Optional.ofNullable(rejection),
        s.lastPoll(),
        s.lastSuccessfulPoll(),
        s.targets(),
        s.discoveryIssues());
  }

  /** One reconcile of every target. Never throws for one target's failure. */
  public ControllerStatus pollOnce() {
    applyPendingConfig();
    if (config == null) {
      return status;
    }
    boolean leader = leadership.isLeader();
    TargetDiscovery.Found found = discovery.find(config, scaler);
    List<ScalerConfig.Target> current = found.targets();
    syncTargets(current);
    report(found.issues(), leader);
    Map<String, ClusterObservers.ClusterRead> reads = clusters.pollAll(current);
    Poll poll =
        Poll.combined(reads.values().stream().map(ClusterObservers.ClusterRead::poll).toList());
    Map<String, GroupSignals> allSignals = new java.util.LinkedHashMap<>();
    reads.values().forEach(r -> r.signals().forEach(allSignals::putIfAbsent));
    metrics.record(poll, allSignals);
    lastPoll = poll.stats();
    boolean kafkaAnswered =
        poll.groups().values().stream().anyMatch(GroupOffsets.Read.class::isInstance);
    metrics.leader(leader);
    List<TargetStatus> out = new ArrayList<>();
    for (ScalerConfig.Target target : current) {
      ClusterObservers.ClusterRead read = reads.get(target.kafkaCluster());
      GroupSignals groupSignals = read == null ? null : read.signals().get(target.consumerGroup());
      if (groupSignals == null) {
        groupSignals = new GroupSignals.Unavailable(target.consumerGroup(), poll.at(), "not read");
      }
      out.add(reconcile(target, groupSignals, poll.at(), leader));
    }
    if (kafkaAnswered) {
      // Ready only once a whole reconcile has completed with data from Kafka.
      lastSuccessfulPoll = poll.at();
      metrics.successfulPoll(poll.at());
    }
    metrics.endPoll();
    issues = found.issues();
    status = snapshot(out);
    return status;
  }

  /**
   * Targets that disappeared (from the config or the workloads' annotations) lose their state;
   * targets whose policy changed keep their learned rates but restart the policy's bookkeeping.
   */
  private void syncTargets(List<ScalerConfig.Target> current) {
    Map<String, ScalerConfig.Target> byName = new HashMap<>();
    current.forEach(t -> byName.put(t.name(), t));
    targets.keySet().retainAll(byName.keySet());
    targets.forEach(
        (name, state) -> {
          ScalingPolicy policy = byName.get(name).policy();
          if (!state.target.policy().equals(policy)) {
            state.decisionState = DecisionState.initial(policy);
          }
          state.target = byName.get(name);
        });
    List<ScalerMetrics.TargetLimits> limits =
        current.stream()
            .map(
                t ->
                    new ScalerMetrics.TargetLimits(
                        t.name(),
                        t.consumerGroup(),
                        t.policy().targetLag(),
                        t.policy().minReplicas(),
                        t.policy().maxReplicas()))
            .toList();
    if (!limits.equals(publishedLimits)) {
      metrics.targets(limits);
      publishedLimits = limits;
    }
  }

  /** Logs each new discovery issue once; the leader explains each on its workload. */
  private void report(List<ControllerStatus.DiscoveryIssue> found, boolean leader) {
    for (ControllerStatus.DiscoveryIssue issue : found) {
      if (!issues.contains(issue)) {
        LOG.warn("{}: {}", issue.kind(), issue.message());
      }
      if (leader) {
        try {
          actuator.report(issue);
        } catch (ScalerException e) {
          LOG.warn("could not write the Event for {}: {}", issue.workload(), e.getMessage());
        }
      }
    }
  }

  private void applyPendingConfig() {
    ScalerConfig next = pending.getAndSet(null);
    if (next == null) {
      return;
    }
    ScalerConfig previous = config;
    // Each cluster keeps its client and history unless its settings (or the signal settings)
    // changed: see ClusterObservers.configure.
    clusters.configure(next);
    if (previous == null || !previous.signals().equals(next.signals())) {
      engine = new DecisionEngine(next.signals().stallAfter());
    }
    config = next;
    configLoadedAt = clock.instant();
    scaler.follow(next.namespaces());
    metrics.pollInterval(next.pollInterval());
    LOG.info(
        "config applied: {} targets, poll every {}", next.targets().size(), next.pollInterval());
  }

  private TargetStatus reconcile(
      ScalerConfig.Target target, GroupSignals signals, Instant now, boolean leader) {
    TargetState st =
        targets.computeIfAbsent(
            target.name(), n -> new TargetState(target, DecisionState.initial(target.policy())));
    boolean dryRun = dryRunOverride || config.dryRun() || target.dryRun();
    WorkloadRef workload = target.workload();
    if (st.retryAt != null && now.isBefore(st.retryAt)) {
      return st.status(signals, Action.BACKING_OFF, dryRun);
    }
    try {
      ScaleState scale = scaler.read(workload);
      st.scale = scale;
      DecisionEngine.Outcome outcome =
          engine.decide(
              now, signals, scale.desired(), scale.ready(), target.policy(), st.decisionState);
      Decision decision = outcome.decision();
      // Until the change is written (or, in a dry run, reported as if it were), the engine's
      // memory must not count it: a standby that took over would wait out a settle time for a
      // change it never made.
      st.decisionState = outcome.next(false);
      st.decision = decision;
      metrics.decision(target.name(), decision);
      Plan plan = Plan.of(decision, scale, leader, dryRun, Optional.ofNullable(st.annotated), now);
      Action action = actuator.carryOut(target.name(), workload, plan);
      remember(st, plan, now);
      if (action == Action.SCALED || action == Action.DRY_RUN) {
        st.decisionState = outcome.next(true);
      }
      st.failures = 0;
      st.retryAt = null;
      st.error = null;
      metrics.targetReplicas(
          target.name(), scale.desired(), scale.current(), scale.ready(), decision.replicas());
      metrics.action(target.name(), action.name());
      return st.status(signals, action, dryRun);
    } catch (ScalerException e) {
      if (e.kind() == ScalerException.Kind.UNKNOWN) {
        // Not this target's failure: what its workload looks like is not known now. Hold (write
        // nothing), without backoff, so it is decided again at the first poll the cache is current.
        st.error = e.getMessage();
        metrics.action(target.name(), Action.HOLD_UNKNOWN_WORKLOAD.name());
        return st.status(signals, Action.HOLD_UNKNOWN_WORKLOAD, dryRun);
      }
      return failed(target, st, signals, now, dryRun, e.kind().name(), e.getMessage());
    } catch (RuntimeException e) {
      // A bug or an unexpected answer for one target must not stop the others.
      LOG.error("target {}: unexpected failure", target.name(), e);
      return failed(target, st, signals, now, dryRun, "INTERNAL", e.toString());
    }
  }

  /** What the controller keeps of a carried-out plan: when it wrote, what it annotated. */
  private static void remember(TargetState st, Plan plan, Instant now) {
    switch (plan) {
      case Plan.Write write -> {
        st.lastScaleTime = now;
        st.annotated = new Plan.Annotated(Plan.annotationKey(write.change()), now);
      }
      case Plan.Annotate annotate ->
          st.annotated = new Plan.Annotated(Plan.annotationKey(annotate.change()), now);
      default -> {}
    }
  }

  private TargetStatus failed(
      ScalerConfig.Target target,
      TargetState st,
      GroupSignals signals,
      Instant now,
      boolean dryRun,
      String kind,
      String message) {
    st.failures++;
    Duration backoff =
        Backoff.after(
            st.failures,
            config.pollInterval(),
            java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    st.retryAt = now.plus(backoff);
    st.error = kind + ": " + message;
    metrics.scaleError(target.name(), kind);
    metrics.action(target.name(), Action.ERROR.name());
    LOG.warn(
        "target {}: {} (failure {} in a row, retry in {} ms)",
        target.name(),
        st.error,
        st.failures,
        backoff.toMillis());
    return st.status(signals, Action.ERROR, dryRun);
  }

  private ControllerStatus snapshot(List<TargetStatus> targetStatuses) {
    return new ControllerStatus(
        clock.instant(),
        leadership.identity(),
        leadership.isLeader(),
        leadership.currentLeader(),
        Optional.ofNullable(configLoadedAt),
        Optional.ofNullable(rejection),
        Optional.ofNullable(lastPoll),
        Optional.ofNullable(lastSuccessfulPoll),
        targetStatuses,
        issues);
  }

  /** Every cluster's secrets must resolve now: a config whose password is missing is rejected. */
  private void resolveSecrets(ScalerConfig parsed) throws InvalidConfigException {
    List<io.lagscaler.config.ConfigError> errors = new ArrayList<>();
    for (var cluster : parsed.kafkaClusters().entrySet()) {
      try {
        io.lagscaler.config.KafkaClientProperties.resolve(
            parsed.clusterSection(cluster.getKey()), cluster.getValue(), environment);
      } catch (InvalidConfigException e) {
        errors.addAll(e.errors());
      }
    }
    if (!errors.isEmpty()) {
      throw new InvalidConfigException(errors);
    }
  }

  @Override
  public void close() {
    clusters.close();
  }

  /** What the controller remembers of one target between polls. */
  private static final class TargetState {
    ScalerConfig.Target target;
    DecisionState decisionState;
    Decision decision;
    ScaleState scale;
    Instant lastScaleTime;
    Instant retryAt;
    String error;
    int failures;
    Plan.Annotated annotated;

    TargetState(ScalerConfig.Target target, DecisionState decisionState) {
      this.target = target;
      this.decisionState = decisionState;
    }

    TargetStatus status(GroupSignals signals, Action action, boolean dryRun) {
      ScaleState s =
          Objects.requireNonNullElse(scale, new ScaleState(0, 0, 0, Map.of(), List.of()));
      return new TargetStatus(
          target.name(),
          target.workload().toString(),
          target.consumerGroup(),
          target.policy().targetLag(),
          signals,
          s.desired(),
          s.current(),
          s.ready(),
          Optional.ofNullable(decision),
          action,
          Optional.ofNullable(lastScaleTime),
          Optional.ofNullable(error),
          failures,
          dryRun,
          s.competingAutoscalers());
    }
  }
}
