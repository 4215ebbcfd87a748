package io.lagscaler.loadtest.load;

import io.lagscaler.cli.DurationConverter;
import io.lagscaler.loadtest.live.LiveBoard;
import io.lagscaler.loadtest.live.LivePageOptions;
import io.lagscaler.loadtest.report.Report;
import io.lagscaler.loadtest.report.RunResult;
import io.lagscaler.loadtest.report.RunResult.Sample;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Load against a real cluster: orders at a profile's rate to Kafka or through order-intake, the
 * consumer group's lag and the scaler's status recorded every second, and the demo's report.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Produce orders on a load profile to Kafka (--bootstrap-server) or through order-intake"
            + " (--intake-url); record the group's lag and the scaler's /status each second;"
            + " write report.md, report.json, timeline.csv, timeline.png and status.jsonl."
            + " Exit 0 when the run completed, 1 when it failed (more than 1%% of orders failed,"
            + " none acknowledged, or an error), 2 for bad arguments.")
public final class RunCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin LoadOptions load = new LoadOptions();

  @Option(
      names = "--bootstrap-server",
      description =
          "Kafka bootstrap servers: where orders go without --intake-url, and where --group is"
              + " read.")
  String bootstrapServer;

  @Option(
      names = "--intake-url",
      description =
          "order-intake's base URL (e.g. http://order-intake:8080): orders go through it.")
  String intakeUrl;

  @Option(
      names = "--topic",
      defaultValue = "orders",
      description = "Topic (default ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--max-in-flight",
      defaultValue = "256",
      description = "Sends without an answer at most; beyond it the generator falls behind.")
  int maxInFlight;

  @Option(
      names = "--group",
      description = "Consumer group whose lag and time lag are read from Kafka every second.")
  String group;

  @Option(
      names = "--scaler-url",
      description = "lag-scaler's HTTP root: /status is read every second into status.jsonl.")
  String scalerUrl;

  @Option(
      names = "--target",
      description =
          "The lag-scaler target to follow (default: the one of --group, or the only one).")
  String target;

  @Option(
      names = "--target-lag",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "Time-lag target counted in sloViolationSeconds (default ${DEFAULT-VALUE}).")
  Duration targetLag;

  @Option(names = "--out", defaultValue = "load-test-report", description = "Report directory.")
  Path out;

  @Option(
      names = "--print-report",
      description = "Print report.md at the end too (for a Job, whose files end with its pod).")
  boolean printReport;

  @Mixin LivePageOptions page = new LivePageOptions();

  /** Where progress goes; tests may redirect it. */
  PrintStream live = System.out;

  /** Whether {@link #live} is a terminal; null asks {@link System#console()}. */
  Boolean terminal;

  @Override
  public Integer call() throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    int seconds = load.seconds();
    Profile profile = load.profile(spec.commandLine());
    Keys keySpread = load.keys(spec.commandLine());
    validate(seconds);
    OrderSink sink =
        intakeUrl != null
            ? parse(() -> new IntakeSink(intakeUrl, Duration.ofSeconds(10)), "--intake-url")
            : new KafkaSink(bootstrapServer, topic, Map.of());
    Files.createDirectories(out);
    String runId = "load-" + Long.toString(System.currentTimeMillis(), 36);
    Progress progress =
        new Progress(live, terminal != null ? terminal : System.console() != null, seconds);
    progress.say(
        String.format(
            Locale.ROOT,
            "[run] %s: profile %s for %d s, keys %s, to %s%s%s",
            runId,
            profile.name(),
            seconds,
            keySpread.spec(),
            sink.describe(),
            group == null ? "" : ", reading group " + group,
            scalerUrl == null ? "" : ", following " + scalerUrl));
    Optional<GroupMeter> meter =
        Optional.ofNullable(group)
            .map(g -> new GroupMeter(Map.of("bootstrap.servers", bootstrapServer), g, topic));
    Optional<ScalerWatch> watch =
        Optional.ofNullable(scalerUrl)
            .map(
                u ->
                    new ScalerWatch(
                        u,
                        Optional.ofNullable(target),
                        Optional.ofNullable(group),
                        out.resolve("status.jsonl")));
    String policy = watch.isPresent() ? "lag-scaler" : "unobserved";
    LiveBoard board = new LiveBoard("lag-scaler load test " + runId, targetLag, seconds);
    LiveBoard.Run boardRun = board.begin(policy);
    LivePageOptions.Served served = page.serve(board, live, "[run]", spec.commandLine());
    LoadGenerator generator = new LoadGenerator(profile, keySpread, sink, maxInFlight, runId);
    Recorder recorder =
        new Recorder(generator, meter, OptionalInt.empty(), m -> progress.say("[run] " + m));
    CountDownLatch reported = new CountDownLatch(1);
    Stop stop = new Stop();
    // Ctrl-C (or the Job's SIGTERM): stop the load, and write the report of what was measured
    // before the JVM exits.
    Thread hook =
        new Thread(
            () -> {
              stop.requested = true;
              try {
                reported.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "run-report-on-exit");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      generator.start();
      String lastError = "";
      for (int t = 1; t <= seconds && !stop.requested; t++) {
        if (!stop.sleepUntil(generator.startNanos() + Duration.ofSeconds(t).toNanos())) {
          break;
        }
        ScalerWatch.View view = watch.map(ScalerWatch::poll).orElse(ScalerWatch.View.unknown(""));
        if (!view.error().isEmpty() && !view.error().equals(lastError)) {
          progress.say("[run] scaler: " + view.error());
        }
        lastError = view.error();
        Sample s =
            recorder.record(t, view.desired(), view.ready(), view.reason(), view.explanation());
        progress.show(s, recorder.behind());
        boardRun.second(s, recorder.events(), view.explanation());
      }
      LoadGenerator.Snapshot end = generator.stop();
      boardRun.finish();
      progress.end();
      if (stop.requested) {
        progress.say("[run] stopped: writing the report of what was measured");
      }
      RunResult result =
          recorder.result(
              policy,
              profile.name(),
              "lag-scaler load test",
              description(profile, keySpread, sink, recorder.samples().size()),
              targetLag,
              settings(keySpread, sink),
              sink.name(),
              end);
      Report.write(out, result);
      if (printReport) {
        live.println(Files.readString(out.resolve("report.md")));
      }
      return summarize(result, end);
    } finally {
      meter.ifPresent(GroupMeter::close);
      watch.ifPresent(ScalerWatch::close);
      served.close();
      generator.close();
      reported.countDown();
      if (!stop.requested) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs, and returns at once: the report is written
        }
      }
    }
  }

  /** Set by the shutdown hook; the loop looks at it while it waits. */
  private static final class Stop {
    volatile boolean requested;

    /** Sleeps until {@code nanos}; false when a stop came first. */
    boolean sleepUntil(long nanos) throws InterruptedException {
      while (!requested) {
        long wait = nanos - System.nanoTime();
        if (wait <= 0) {
          return true;
        }
        Thread.sleep(Duration.ofNanos(Math.min(wait, 100_000_000)));
      }
      return false;
    }
  }

  private void validate(int seconds) {
    if (bootstrapServer == null && intakeUrl == null) {
      throw bad("give --bootstrap-server (orders to Kafka) or --intake-url (through order-intake)");
    }
    if (group != null && bootstrapServer == null) {
      throw bad("--group " + group + " needs --bootstrap-server to read its lag");
    }
    if (seconds < 1) {
      throw bad("--duration must be at least 1s, was " + load.duration);
    }
    if (maxInFlight < 1) {
      throw bad("--max-in-flight must be >= 1, was " + maxInFlight);
    }
    if (scalerUrl != null) {
      URI uri = parse(() -> URI.create(scalerUrl), "--scaler-url");
      if (uri.getHost() == null || !uri.getScheme().startsWith("http")) {
        throw bad("--scaler-url must be an http(s) URL, was " + scalerUrl);
      }
    }
  }

  private CommandLine.ParameterException bad(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  private <T> T parse(java.util.function.Supplier<T> parser, String option) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw bad(option + ": " + e.getMessage());
    }
  }

  private String description(Profile profile, Keys keySpread, OrderSink sink, int seconds) {
    return String.format(
        Locale.ROOT,
        "Profile `%s` (base %.0f, peak %.0f orders/s), %d s, keys %s over %d stores, orders to"
            + " %s; group %s; scaler %s; time-lag target %d s.",
        profile.name(),
        load.baseRate(),
        load.peakRate(),
        seconds,
        keySpread.spec(),
        keySpread.stores(),
        sink.describe(),
        group == null ? "not measured" : "`" + group + "`",
        scalerUrl == null ? "not followed" : scalerUrl,
        targetLag.toSeconds());
  }

  private Map<String, Object> settings(Keys keySpread, OrderSink sink) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("target", sink.describe());
    s.put("topic", topic);
    s.put("group", group);
    s.put("keys", keySpread.spec());
    s.put("stores", keySpread.stores());
    s.put("baseRate", load.baseRate());
    s.put("peakRate", load.peakRate());
    s.put("maxInFlight", maxInFlight);
    s.put("scalerUrl", scalerUrl);
    return s;
  }

  private int summarize(RunResult result, LoadGenerator.Snapshot end) {
    live.printf(
        Locale.ROOT,
        "[run] %d of %d orders due were sent, %d acknowledged, %d failed %s, %d in flight at the"
            + " end, %d never sent; %d s behind the profile%n",
        end.sent(),
        (long) Math.floor(end.due()),
        end.acknowledged(),
        end.failedTotal(),
        end.failed().isEmpty() ? "" : end.failed() + " (first: " + end.firstErrors() + ")",
        end.inFlight(),
        end.waiting(),
        result.load().secondsBehind());
    live.println("[run] " + Report.summary(result));
    live.println(
        "[run] report: "
            + out.resolve("report.md").toAbsolutePath()
            + ", chart: "
            + out.resolve("timeline.png").toAbsolutePath());
    if (end.sent() > 0 && end.acknowledged() == 0) {
      live.println("[run] FAILED: no order was acknowledged");
      return 1;
    }
    if (end.failedTotal() > 0.01 * end.sent()) {
      live.println("[run] FAILED: more than 1% of the orders failed");
      return 1;
    }
    return 0;
  }
}
