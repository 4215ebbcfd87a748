package io.lagscaler.loadtest.local;

import io.lagscaler.cli.DurationConverter;
import io.lagscaler.loadtest.live.LiveBoard;
import io.lagscaler.loadtest.live.LivePageOptions;
import io.lagscaler.loadtest.load.Keys;
import io.lagscaler.loadtest.load.LoadOptions;
import io.lagscaler.loadtest.load.Profile;
import io.lagscaler.loadtest.report.Report;
import io.lagscaler.loadtest.report.RunResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The one-command local demo: Kafka, Redis, Neo4j and the three services on this machine,
 * store-totals scaled as local processes by lag-scaler (or the KEDA model), orders through
 * order-intake on a profile, a live line a second and a report with a chart at the end.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Watch lag-scaler scale store-totals (local processes) under a load profile; writes"
            + " report.md, report.json, timeline.csv and timeline.png.")
public final class DemoCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoadOptions load = new LoadOptions();

  @Option(
      names = "--policy",
      defaultValue = "lag-scaler",
      description = "lag-scaler or keda (KEDA's Kafka scaler and the HPA, as transcribed).")
  String policy;

  @Option(names = "--compare", description = "Run lag-scaler, then keda; one report and chart.")
  boolean compare;

  @Option(names = "--out", defaultValue = "demo-report", description = "Report directory.")
  Path out;

  @Option(
      names = "--processing-cost-micros",
      defaultValue = "20000",
      description =
          "store-totals' time per order (PROCESSING_COST_MICROS); one replica serves at most"
              + " 1e6/cost orders/s (default ${DEFAULT-VALUE}: 50/s, below the peak).")
  int processingCostMicros;

  @Option(
      names = "--processing-cost-mode",
      defaultValue = "sleep",
      description =
          "How store-totals spends that time (PROCESSING_COST_MODE): sleep (default: each replica"
              + " serves its full rate, as if it had its own core) or spin (busy CPU: the replicas"
              + " share this machine's cores with the broker and each other).")
  String processingCostMode;

  @Option(names = "--max-replicas", defaultValue = "6", description = "Most replicas.")
  int maxReplicas;

  @Option(names = "--partitions", defaultValue = "12", description = "Partitions of orders.")
  int partitions;

  @Option(
      names = "--target-lag",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "The time-lag target (lag-scaler's targetLag; KEDA's lagThreshold from it).")
  Duration targetLag;

  @Option(
      names = "--scale-down-window",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description = "lag-scaler's scale-down stabilization window (default ${DEFAULT-VALUE}).")
  Duration scaleDownWindow;

  @Option(
      names = "--metrics-port",
      defaultValue = "0",
      description =
          "Port of lag-scaler's /metrics and /status (0 picks a free one); every scrape target is"
              + " listed in OUT/prometheus/targets.json (Prometheus file_sd).")
  int metricsPort;

  @Mixin LivePageOptions page = new LivePageOptions();

  @Option(
      names = "--no-zipkin",
      description =
          "Start no Zipkin: the services trace nothing (by default they report a sample).")
  boolean noZipkin;

  @Option(
      names = "--services-dir",
      defaultValue = "services",
      description = "Where services/<name>/target/<name>.jar are.")
  Path servicesDir;

  /** Where the live lines go; tests may redirect them. */
  PrintStream live = System.out;

  public DemoCommand() {}

  /** A demo whose live view goes to {@code live} (tests keep it for their messages). */
  public DemoCommand(PrintStream live) {
    this.live = live;
  }

  @Override
  public Integer call() throws Exception {
    // Before the first Kafka class logs: the broker and clients are chatty at INFO.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    if (!compare && !policy.equals("lag-scaler") && !policy.equals("keda")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--policy must be lag-scaler or keda, not " + policy);
    }
    int seconds = load.seconds();
    if (seconds < 10) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be >= 10s");
    }
    Profile profile = load.profile(spec.commandLine());
    Keys keySpread = load.keys(spec.commandLine());
    if (!processingCostMode.equals("sleep") && !processingCostMode.equals("spin")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--processing-cost-mode must be sleep or spin, not " + processingCostMode);
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--metrics-port must be 0 to 65535, was " + metricsPort);
    }
    Path logs = Files.createTempDirectory("lagscaler-demo-");
    List<String> policies = compare ? List.of("lag-scaler", "keda") : List.of(policy);
    LiveBoard board =
        new LiveBoard(
            compare ? "lag-scaler demo: lag-scaler and KEDA" : "lag-scaler demo: " + policy,
            targetLag,
            seconds);
    try (LivePageOptions.Served served = page.serve(board, live, "[demo]", spec.commandLine())) {
      return run(profile, keySpread, seconds, policies, board, logs);
    }
  }

  private int run(
      Profile profile,
      Keys keySpread,
      int seconds,
      List<String> policies,
      LiveBoard board,
      Path logs)
      throws Exception {
    List<RunResult> results = new ArrayList<>();
    // One Zipkin for every run of a --compare, its URL printed before the first run starts.
    Optional<DemoZipkin> zipkin = startZipkin(logs);
    try {
      for (String p : policies) {
        DemoRun.Settings settings =
            new DemoRun.Settings(
                p,
                profile,
                keySpread,
                seconds,
                partitions,
                processingCostMicros,
                processingCostMode,
                maxReplicas,
                targetLag,
                scaleDownWindow,
                servicesDir,
                logs,
                out,
                metricsPort);
        RunResult result = new DemoRun(settings, live, board.begin(p), zipkin).run();
        results.add(result);
        if (compare) {
          Report.write(out.resolve(p), result);
        }
      }
    } finally {
      zipkin.ifPresent(DemoZipkin::close);
    }
    Report.writeAll(out, results);
    for (RunResult r : results) {
      live.println("[demo] " + Report.summary(r));
    }
    live.println(
        "[demo] report: "
            + out.resolve("report.md").toAbsolutePath()
            + ", chart: "
            + out.resolve("timeline.png").toAbsolutePath());
    return 0;
  }

  private Optional<DemoZipkin> startZipkin(Path logs) {
    if (noZipkin) {
      return Optional.empty();
    }
    live.println("[demo] starting Zipkin");
    DemoZipkin zipkin = DemoZipkin.start(logs.resolve("zipkin"));
    live.println(
        "[demo] traces: "
            + zipkin.uiUrl()
            + " (Zipkin, in memory: about one order in "
            + Math.round(1 / DemoZipkin.SAMPLE_RATE)
            + " is traced through order-intake, Kafka, store-totals and purchase-graph)");
    return Optional.of(zipkin);
  }
}
