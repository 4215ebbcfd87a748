package io.lagscaler.cli;

import io.lagscaler.act.Leadership;
import io.lagscaler.config.FileConfigSource;
import io.lagscaler.config.InvalidConfigException;
import io.lagscaler.config.KafkaClientProperties;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.LagReaders;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.http.StatusServer;
import io.lagscaler.kubernetes.KubernetesClients;
import io.lagscaler.kubernetes.KubernetesDecisionRecorder;
import io.lagscaler.kubernetes.LeaderElection;
import io.lagscaler.kubernetes.PermissionCheck;
import io.lagscaler.observe.LagReader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: the controller. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the controller: polls every consumer group in one batched read per interval, decides"
          + " each target's replicas and sets them through the /scale subresource, explaining every"
          + " change. Only the Lease holder writes; the process exits when it loses leadership."
    })
public final class RunCommand implements java.util.concurrent.Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Read the config from a file (reloaded when it changes) instead of a ConfigMap.")
  Path configFile;

  @Option(
      names = "--configmap",
      paramLabel = "[NAMESPACE/]NAME",
      description =
          "The ConfigMap holding the config (default: lag-scaler in the pod's namespace).")
  String configMap;

  @Option(
      names = "--configmap-key",
      defaultValue = "config.yaml",
      description = "The ConfigMap key (default: ${DEFAULT-VALUE}).")
  String configMapKey;

  @Option(
      names = "--kubeconfig",
      paramLabel = "FILE",
      description = "A kubeconfig file (default: in-cluster config, then ~/.kube/config).")
  Path kubeconfig;

  @Option(
      names = "--dry-run",
      description = "Decide and explain for every target, never write replicas.")
  boolean dryRun;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description =
          "HTTP port for /healthz, /readyz, /metrics and /status (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--bind",
      defaultValue = "0.0.0.0",
      description = "HTTP bind address (default: ${DEFAULT-VALUE}).")
  String bind;

  @Option(
      names = "--lease-name",
      defaultValue = "lag-scaler",
      description = "The Lease for leader election (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      description = "The Lease's namespace (default: the pod's namespace).")
  String leaseNamespace;

  @Option(
      names = "--no-leader-election",
      description = "Run as the only instance (local runs): no Lease.")
  boolean noLeaderElection;

  @Option(
      names = "--lease-duration",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "How long a standby waits for a silent leader (default: ${DEFAULT-VALUE}).")
  Duration leaseDuration;

  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean shuttingDown = new AtomicBoolean();
    try (KubernetesClients kube = KubernetesClients.create(Optional.ofNullable(kubeconfig))) {
      String ownNamespace = leaseNamespace != null ? leaseNamespace : kube.namespace();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      KubernetesDecisionRecorder recorder = kube.recorder(clock);
      String[] cm = configMapRef(ownNamespace);

      LeaderElection election = null;
      Leadership leadership;
      if (noLeaderElection) {
        leadership = Leadership.alone(kube.identity());
      } else {
        election =
            kube.leaderElection(
                new LeaderElection.Settings(
                    ownNamespace,
                    leaseName,
                    kube.identity(),
                    leaseDuration,
                    leaseDuration.multipliedBy(2).dividedBy(3),
                    leaseDuration.dividedBy(7).isZero()
                        ? Duration.ofMillis(500)
                        : leaseDuration.dividedBy(7)),
                new LeaderElection.Listener() {
                  @Override
                  public void onStartLeading() {
                    LOG.info("{} is now the leader: it writes from the next poll", kube.identity());
                  }

                  @Override
                  public void onStopLeading() {
                    if (!shuttingDown.get()) {
                      // Two leaders must never act at once: stop at once, let Kubernetes restart
                      // us.
                      LOG.error("{} lost leadership: exiting", kube.identity());
                      Runtime.getRuntime().halt(1);
                    }
                  }
                });
        leadership = election;
      }

      LagReaders readers =
          (cluster, kafka) -> {
            try {
              KafkaClientProperties props = KafkaClientProperties.resolve(kafka);
              LOG.info("connecting to Kafka cluster {} with {}", cluster, props.redacted());
              return LagReader.connect(props.forClient(), kafka.requestTimeout(), clock);
            } catch (InvalidConfigException e) {
              throw new IllegalStateException(e.getMessage(), e);
            }
          };
      Controller controller =
          new Controller(
              readers,
              kube.scaler(),
              recorder,
              leadership,
              new ScalerMetrics(registry, false),
              clock,
              rejection -> {
                if (configFile == null && leadership.isLeader()) {
                  try {
                    recorder.recordConfigRejected(cm[0], cm[1], rejection.message());
                  } catch (io.lagscaler.act.ScalerException e) {
                    LOG.warn(
                        "could not write the rejection Event on the ConfigMap: {}", e.getMessage());
                  }
                }
              },
              System::getenv,
              dryRun);
      java.util.function.BiConsumer<String, String> offer =
          (yaml, origin) -> {
            if (controller.offer(yaml, origin)) {
              checkPermissions(kube, ownNamespace, targetNamespaces(yaml));
            }
          };
      AutoCloseable source;
      if (configFile != null) {
        source = FileConfigSource.watch(configFile, offer);
      } else {
        String origin = "ConfigMap " + cm[0] + "/" + cm[1] + " key " + configMapKey;
        // A missing key or a deleted ConfigMap is offered as empty: rejected, last good kept.
        var watch =
            kube.watchConfigMap(
                cm[0],
                cm[1],
                configMapKey,
                content ->
                    offer.accept(
                        content.orElse(""), origin + (content.isEmpty() ? " (missing)" : "")));
        watch.start();
        source = watch;
      }

      StatusServer server =
          StatusServer.start(bind, port, controller::status, controller::ready, registry::scrape);
      LOG.info(
          "lag-scaler {} serving /healthz /readyz /metrics /status on {}:{}",
          kube.identity(),
          bind,
          server.port());

      ScheduledExecutorService loop =
          Executors.newSingleThreadScheduledExecutor(
              r -> Thread.ofPlatform().name("reconcile").unstarted(r));
      LeaderElection electionRef = election;
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .name("shutdown")
                  .unstarted(
                      () -> {
                        // SIGTERM: finish the poll in progress, release the Lease so a standby
                        // takes over at once, then stop serving.
                        shuttingDown.set(true);
                        LOG.info("shutting down");
                        loop.shutdown();
                        try {
                          loop.awaitTermination(30, TimeUnit.SECONDS);
                        } catch (InterruptedException ie) {
                          Thread.currentThread().interrupt();
                        }
                        if (electionRef != null) {
                          electionRef.close();
                        }
                        closeQuietly(source);
                        server.close();
                        controller.close();
                        stopped.countDown();
                        LOG.info("stopped");
                      }));

      if (election != null) {
        election.start();
      }
      scheduleNext(loop, controller, Duration.ZERO);
      stopped.await();
      return Main.ExitCodes.OK;
    }
  }

  private void scheduleNext(ScheduledExecutorService loop, Controller controller, Duration delay) {
    if (loop.isShutdown()) {
      return;
    }
    loop.schedule(
        () -> {
          long start = System.nanoTime();
          try {
            controller.pollOnce();
          } catch (RuntimeException e) {
            // Kafka or config trouble for the whole poll: report it, keep the loop alive.
            LOG.error("poll failed: {}", e.toString(), e);
          }
          Duration spent = Duration.ofNanos(System.nanoTime() - start);
          Duration next = controller.pollInterval().minus(spent);
          scheduleNext(loop, controller, next.isNegative() ? Duration.ZERO : next);
        },
        delay.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static List<String> targetNamespaces(String yaml) {
    try {
      return io.lagscaler.config.ConfigParser.parse(yaml).targets().stream()
          .map(t -> t.workload().namespace())
          .distinct()
          .toList();
    } catch (InvalidConfigException e) {
      return List.of();
    }
  }

  private String[] configMapRef(String ownNamespace) {
    if (configMap == null) {
      return new String[] {ownNamespace, "lag-scaler"};
    }
    int slash = configMap.indexOf('/');
    return slash < 0
        ? new String[] {ownNamespace, configMap}
        : new String[] {configMap.substring(0, slash), configMap.substring(slash + 1)};
  }

  /** Names every RBAC permission the controller lacks for its namespace and its targets'. */
  private static void checkPermissions(
      KubernetesClients kube, String ownNamespace, List<String> targetNamespaces) {
    PermissionCheck.Report report =
        kube.permissionCheck().check(PermissionCheck.required(ownNamespace, targetNamespaces));
    if (report.allGranted()) {
      LOG.info("permission check: every RBAC permission the controller needs is granted");
    } else {
      report.missing().forEach(f -> LOG.error("permission check: missing {}", f));
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing {}: {}", c, e.toString());
    }
  }
}
