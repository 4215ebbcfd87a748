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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
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

  /**
   * The controller, assembled: the Kubernetes client, leadership, the controller itself, its config
   * source, the HTTP endpoints and the reconcile loop, then a SIGTERM hook that stops them in
   * reverse order. Each part is a named method below.
   */
  @Override
  public Integer call() throws Exception {
    Clock clock = Clock.systemUTC();
    try (KubernetesClients kube = KubernetesClients.create(Optional.ofNullable(kubeconfig))) {
      String ownNamespace = leaseNamespace != null ? leaseNamespace : kube.namespace();
      ConfigMapRef configMapRef = configMapRef(ownNamespace);
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      KubernetesDecisionRecorder recorder = kube.recorder(clock);
      Shutdown shutdown = new Shutdown();
      Optional<LeaderElection> election =
          noLeaderElection
              ? Optional.empty()
              : Optional.of(leaderElection(kube, ownNamespace, shutdown));
      Leadership leadership =
          election.<Leadership>map(e -> e).orElseGet(() -> Leadership.alone(kube.identity()));
      Controller controller = controller(kube, recorder, leadership, registry, clock, configMapRef);
      AutoCloseable configSource = configSource(kube, controller, ownNamespace, configMapRef);
      StatusServer server = serve(controller, registry, kube.identity());
      ReconcileLoop loop = new ReconcileLoop(controller);
      shutdown.onSigterm(loop, election, configSource, server, controller);
      election.ifPresent(LeaderElection::start);
      loop.start();
      shutdown.await();
      return Main.ExitCodes.OK;
    }
  }

  /** Where the config comes from: a ConfigMap, {@code namespace/name}. */
  private record ConfigMapRef(String namespace, String name) {}

  /** The Lease: only its holder writes, and losing it ends the process. */
  private LeaderElection leaderElection(
      KubernetesClients kube, String ownNamespace, Shutdown shutdown) {
    return kube.leaderElection(
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
            if (!shutdown.started()) {
              // Two leaders must never act at once: stop at once, let Kubernetes restart us.
              LOG.error("{} lost leadership: exiting", kube.identity());
              Runtime.getRuntime().halt(1);
            }
          }
        });
  }

  /** The reconcile logic over the Kubernetes adapter; a rejected config is an Event. */
  private Controller controller(
      KubernetesClients kube,
      KubernetesDecisionRecorder recorder,
      Leadership leadership,
      PrometheusMeterRegistry registry,
      Clock clock,
      ConfigMapRef configMapRef) {
    return new Controller(
        lagReaders(clock),
        kube.scaler(),
        recorder,
        leadership,
        new ScalerMetrics(registry, false),
        clock,
        rejection -> {
          if (configFile == null && leadership.isLeader()) {
            try {
              recorder.recordConfigRejected(
                  configMapRef.namespace(), configMapRef.name(), rejection.message());
            } catch (io.lagscaler.act.ScalerException e) {
              LOG.warn("could not write the rejection Event on the ConfigMap: {}", e.getMessage());
            }
          }
        },
        System::getenv,
        dryRun);
  }

  /**
   * One Kafka connection per configured cluster, made again when that cluster's settings change
   * (secrets from the environment or mounted files); also how the benchmarks and tests connect the
   * controller.
   */
  public static LagReaders lagReaders(Clock clock) {
    return (cluster, kafka) -> {
      try {
        KafkaClientProperties props = KafkaClientProperties.resolve(kafka);
        LOG.info("connecting to Kafka cluster {} with {}", cluster, props.redacted());
        return LagReader.connect(props.forClient(), kafka.requestTimeout(), clock);
      } catch (InvalidConfigException e) {
        throw new IllegalStateException(e.getMessage(), e);
      }
    };
  }

  /**
   * Offers each config version to the controller (file or ConfigMap, reloaded live) and checks the
   * RBAC permissions of every accepted one.
   */
  private AutoCloseable configSource(
      KubernetesClients kube, Controller controller, String ownNamespace, ConfigMapRef configMapRef)
      throws java.io.IOException {
    BiConsumer<String, String> offer =
        (yaml, origin) -> {
          if (controller.offer(yaml, origin)) {
            checkPermissions(kube, ownNamespace, targetNamespaces(yaml));
          }
        };
    if (configFile != null) {
      return FileConfigSource.watch(configFile, offer);
    }
    String origin =
        "ConfigMap "
            + configMapRef.namespace()
            + "/"
            + configMapRef.name()
            + " key "
            + configMapKey;
    // A missing key or a deleted ConfigMap is offered as empty: rejected, last good kept.
    var watch =
        kube.watchConfigMap(
            configMapRef.namespace(),
            configMapRef.name(),
            configMapKey,
            content ->
                offer.accept(content.orElse(""), origin + (content.isEmpty() ? " (missing)" : "")));
    watch.start();
    return watch;
  }

  /** /healthz, /readyz, /metrics and /status. */
  private StatusServer serve(
      Controller controller, PrometheusMeterRegistry registry, String identity) {
    StatusServer server =
        StatusServer.start(bind, port, controller::status, controller::ready, registry::scrape);
    LOG.info(
        "lag-scaler {} serving /healthz /readyz /metrics /status on {}:{}",
        identity,
        bind,
        server.port());
    return server;
  }

  /**
   * SIGTERM: finish the poll in progress, release the Lease so a standby takes over at once, then
   * stop serving. {@link #started()} tells the Lease listener that losing leadership now is the
   * shutdown, not a rival.
   */
  private static final class Shutdown {
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean started = new AtomicBoolean();

    boolean started() {
      return started.get();
    }

    void onSigterm(
        ReconcileLoop loop,
        Optional<LeaderElection> election,
        AutoCloseable configSource,
        StatusServer server,
        Controller controller) {
      Runtime.getRuntime()
          .addShutdownHook(
              Thread.ofPlatform()
                  .name("shutdown")
                  .unstarted(
                      () -> {
                        started.set(true);
                        LOG.info("shutting down");
                        loop.stop(Duration.ofSeconds(30));
                        election.ifPresent(LeaderElection::close);
                        closeQuietly(configSource);
                        server.close();
                        controller.close();
                        stopped.countDown();
                        LOG.info("stopped");
                      }));
    }

    void await() throws InterruptedException {
      stopped.await();
    }
  }

  /** The namespaces of the config's targets and of discovery: RBAC is needed in each. */
  private static List<String> targetNamespaces(String yaml) {
    try {
      return List.copyOf(io.lagscaler.config.ConfigParser.parse(yaml).namespaces());
    } catch (InvalidConfigException e) {
      return List.of();
    }
  }

  private ConfigMapRef configMapRef(String ownNamespace) {
    if (configMap == null) {
      return new ConfigMapRef(ownNamespace, "lag-scaler");
    }
    int slash = configMap.indexOf('/');
    return slash < 0
        ? new ConfigMapRef(ownNamespace, configMap)
        : new ConfigMapRef(configMap.substring(0, slash), configMap.substring(slash + 1));
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
