package io.lagscaler.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.lagscaler.act.Leadership;
import io.lagscaler.controller.Action;
import io.lagscaler.controller.Controller;
import io.lagscaler.controller.ControllerStatus;
import io.lagscaler.controller.TargetStatus;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.explain.ScalerMetrics;
import io.lagscaler.kubernetes.KubernetesClients;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code controller-bench}: the whole controller at scale. lag-scaler's real {@link Controller},
 * wired as {@code lag-scaler run} wires it (the Kubernetes adapter with its informers, a real
 * broker in a child JVM), against fabric8's mock API server in CRUD mode; every target is a
 * Deployment with its own consumer group (committed offsets, no running consumers). It counts the
 * requests the API server receives during each poll.
 */
@Command(
    name = "controller-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs lag-scaler's controller against a mock Kubernetes API server (CRUD) and a real Kafka"
          + " broker with one Deployment and one consumer group per target, and prints one JSON"
          + " line: API reads and writes per poll (by verb), poll start to every decision made"
          + " (p50, p99) and the controller's retained heap."
    })
public final class ControllerBenchCommand implements Callable<Integer> {

  private static final int MESSAGES_PER_PARTITION = 100;

  /**
   * The mock server logs every request at INFO through java.util.logging: not the controller's
   * cost, so kept out of the measurement. Held here: JUL keeps loggers weakly, and a collected one
   * forgets its level.
   */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private static final int LAG_PER_REPLICA = 80;

  @Option(names = "--targets", defaultValue = "1000", description = "Targets (Deployments).")
  int targets;

  @Option(names = "--namespaces", defaultValue = "10", description = "Namespaces they spread over.")
  int namespaces;

  @Option(names = "--topics", defaultValue = "50", description = "Topics (group i reads i mod n).")
  int topics;

  @Option(names = "--partitions", defaultValue = "8", description = "Partitions per topic.")
  int partitions;

  @Option(names = "--polls", defaultValue = "10", description = "Measured steady polls.")
  int polls;

  @Option(
      names = "--changes",
      defaultValue = "10",
      description = "Targets whose lag jumps before the change poll (their count changes).")
  int changes;

  @Option(names = "--json", description = "Print only the JSON line.")
  boolean json;

  /** Requests the API server received, by method, watches apart (they are long-lived). */
  private static final class RequestCounter extends Dispatcher {
    private final Dispatcher store;
    private final Map<String, LongAdder> byVerb = new ConcurrentHashMap<>();

    RequestCounter(Dispatcher store) {
      this.store = store;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath();
      String verb =
          path.contains("watch=true")
              ? "WATCH"
              : request.getMethod().toUpperCase(java.util.Locale.ROOT);
      byVerb.computeIfAbsent(verb, k -> new LongAdder()).increment();
      return store.dispatch(request);
    }

    @Override
    public void shutdown() {
      store.shutdown();
    }

    Map<String, Long> snapshot() {
      Map<String, Long> out = new TreeMap<>();
      byVerb.forEach((verb, count) -> out.put(verb, count.sum()));
      return out;
    }
  }

  @Override
  public Integer call() throws Exception {
    if (targets < 1 || namespaces < 1 || topics < 1 || partitions < 1 || polls < 1) {
      System.err.println("controller-bench: counts must be >= 1");
      return 2;
    }
    changes = Math.min(changes, targets);
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    log("starting a Kafka broker (child JVM)...");
    RequestCounter counter = new RequestCounter(new KubernetesCrudDispatcher());
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), counter, false);
    server.init();
    Path scratch = Files.createTempDirectory("controller-bench-");
    try (KafkaBrokerProcess broker =
            KafkaBrokerProcess.start(
                Map.of("num.partitions", "1", "offsets.topic.num.partitions", "8"), "-Xmx1g");
        KubernetesClient seeding = server.createClient()) {
      Map<String, Object> kafka =
          Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      try (Admin admin = Admin.create(kafka)) {
        seedKafka(admin, broker.bootstrapServers());
        log("creating " + targets + " Deployments in " + namespaces + " namespaces...");
        createDeployments(seeding);

        long baseline = BenchFigures.retainedHeapBytes();
        try (KubernetesClients kube =
            KubernetesClients.create(Optional.of(kubeconfig(server, scratch)))) {
          Controller controller = controller(kube);
          if (!controller.offer(config(broker.bootstrapServers()), "controller-bench")) {
            return 1;
          }
          Map<String, Object> out = new LinkedHashMap<>();
          out.put("targets", targets);
          out.put("namespaces", namespaces);
          out.put("groupPartitions", targets * partitions);

          Map<String, Long> before = counter.snapshot();
          long start = System.nanoTime();
          ControllerStatus first = controller.pollOnce();
          out.put("firstPollMs", BenchFigures.round((System.nanoTime() - start) / 1e6));
          out.put("firstPollRequests", delta(before, counter.snapshot()));
          check(first, "first poll");
          controller.pollOnce(); // the first poll's own writes come back as watch events

          log("measuring " + polls + " steady polls...");
          double[] decideMs = new double[polls];
          double[] kafkaMs = new double[polls];
          List<Map<String, Long>> perPoll = new ArrayList<>();
          for (int i = 0; i < polls; i++) {
            before = counter.snapshot();
            start = System.nanoTime();
            ControllerStatus status = controller.pollOnce();
            decideMs[i] = (System.nanoTime() - start) / 1e6;
            kafkaMs[i] = status.lastPoll().orElseThrow().duration().toNanos() / 1e6;
            perPoll.add(delta(before, counter.snapshot()));
            check(status, "steady poll " + i);
          }
          out.put("apiReadsPerPoll", maxOf(perPoll, "GET"));
          out.put("apiWritesPerPoll", writes(perPoll));
          out.put("decideP50Ms", BenchFigures.round(BenchFigures.percentile(decideMs, 50)));
          out.put("decideP99Ms", BenchFigures.round(BenchFigures.percentile(decideMs, 99)));
          // Of which the batched Kafka read of every group (the observer's share).
          out.put("kafkaReadP50Ms", BenchFigures.round(BenchFigures.percentile(kafkaMs, 50)));

          log("rewinding " + changes + " groups: their targets must scale...");
          rewind(admin);
          before = counter.snapshot();
          ControllerStatus changed = controller.pollOnce();
          Map<String, Long> changeRequests = delta(before, counter.snapshot());
          long scaled = changed.targets().stream().filter(t -> t.action() == Action.SCALED).count();
          Map<String, Object> change = new LinkedHashMap<>();
          change.put("targetsChanged", scaled);
          change.put("apiReads", changeRequests.getOrDefault("GET", 0L));
          change.put("apiWrites", writesOf(changeRequests));
          out.put("changePoll", change);

          out.put(
              "heapMiB",
              BenchFigures.round(
                  (BenchFigures.retainedHeapBytes() - baseline) / (1024.0 * 1024.0)));
          out.put("watches", counter.snapshot().getOrDefault("WATCH", 0L));
          System.out.println(new ObjectMapper().writeValueAsString(out));
          controller.close();
          return scaled == changes ? 0 : 1;
        }
      }
    } finally {
      server.destroy();
    }
  }

  /**
   * Topics of {@value #MESSAGES_PER_PARTITION} messages a partition; group i commits offsets that
   * leave exactly {@code replicas(i) x lagPerReplica} messages of lag, so that its Deployment is at
   * the count the lag asks for (a steady state: no writes).
   */
  private void seedKafka(Admin admin, String bootstrap) throws Exception {
    log("creating " + topics + " topics x " + partitions + " partitions...");
    List<NewTopic> newTopics = new ArrayList<>();
    for (int t = 0; t < topics; t++) {
      newTopics.add(new NewTopic(topic(t), partitions, (short) 1));
    }
    admin.createTopics(newTopics).all().get();
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    // Seeding only: on a loaded machine the idempotent producer can loop on
    // OUT_OF_ORDER_SEQUENCE_NUMBER; exact once-only delivery does not matter for a fixture.
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "1");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
      byte[] value = new byte[100];
      for (int t = 0; t < topics; t++) {
        for (int p = 0; p < partitions; p++) {
          for (int m = 0; m < MESSAGES_PER_PARTITION; m++) {
            producer.send(new ProducerRecord<>(topic(t), p, null, value));
          }
        }
      }
      producer.flush();
    }
    log("committing offsets for " + targets + " groups...");
    // One group per topic synchronously (the coordinator must know the topic), then the rest in
    // batches of concurrent requests.
    for (int i = 0; i < Math.min(topics, targets); i++) {
      GroupOffsetsSeeder.commit(admin, group(i), offsets(i, committed(i)));
    }
    List<KafkaFuture<Void>> pending = new ArrayList<>();
    for (int i = topics; i < targets; i++) {
      pending.add(
          admin.alterConsumerGroupOffsets(group(i), metadata(offsets(i, committed(i)))).all());
      if (pending.size() == 500) {
        KafkaFuture.allOf(pending.toArray(KafkaFuture[]::new)).get();
        pending.clear();
      }
    }
    KafkaFuture.allOf(pending.toArray(KafkaFuture[]::new)).get();
  }

  /** The first {@code --changes} groups go back to offset 0: more lag, more replicas. */
  private void rewind(Admin admin) throws Exception {
    List<KafkaFuture<Void>> pending = new ArrayList<>();
    for (int i = 0; i < changes; i++) {
      pending.add(admin.alterConsumerGroupOffsets(group(i), metadata(offsets(i, 0))).all());
    }
    KafkaFuture.allOf(pending.toArray(KafkaFuture[]::new)).get();
  }

  private int replicas(int i) {
    return 1 + i % 4;
  }

  /** Leaves {@code replicas(i) x LAG_PER_REPLICA} messages behind, spread over the partitions. */
  private long committed(int i) {
    return MESSAGES_PER_PARTITION - (long) replicas(i) * LAG_PER_REPLICA / partitions;
  }

  private Map<TopicPartition, Long> offsets(int i, long offset) {
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      offsets.put(new TopicPartition(topic(i % topics), p), offset);
    }
    return offsets;
  }

  private static Map<TopicPartition, OffsetAndMetadata> metadata(Map<TopicPartition, Long> o) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    o.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
    return out;
  }

  private void createDeployments(KubernetesClient client) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < targets; i++) {
        int n = i;
        created.add(
            pool.submit(
                () ->
                    client
                        .apps()
                        .deployments()
                        .inNamespace(namespace(n))
                        .resource(deployment(n))
                        .create()));
      }
      for (Future<?> f : created) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** A consumer Deployment with the status a deployment controller would have written. */
  private Deployment deployment(int i) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(workload(i))
        .withNamespace(namespace(i))
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas(i))
        .withNewSelector()
        .addToMatchLabels("app", workload(i))
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", workload(i))
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("consumer")
        .withImage("example/consumer:1")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus()
        .withReplicas(replicas(i))
        .withReadyReplicas(replicas(i))
        .endStatus()
        .build();
  }

  /**
   * Lag mode at {@value #LAG_PER_REPLICA} messages a replica: the count follows the lag at once.
   */
  private String config(String bootstrap) {
    StringBuilder yaml =
        new StringBuilder(
            """
            kafka:
              bootstrapServers: %s
              requestTimeout: 30s
            pollInterval: 5s
            defaults:
              mode: lag
              lagPerReplica: %d
              maxReplicas: 64
              tolerance: 0
              settleTime: 0s
              stepAhead: 0s
              evenDistribution: false
            targets:
            """
                .formatted(bootstrap, LAG_PER_REPLICA));
    for (int i = 0; i < targets; i++) {
      yaml.append(
          "  - {name: t-%d, namespace: %s, workload: %s, consumerGroup: %s, topics: [%s]}\n"
              .formatted(i, namespace(i), workload(i), group(i), topic(i % topics)));
    }
    return yaml.toString();
  }

  private Controller controller(KubernetesClients kube) {
    Clock clock = Clock.systemUTC();
    return new Controller(
        io.lagscaler.cli.RunCommand.lagReaders(Clock.systemUTC()),
        kube.scaler(),
        kube.recorder(clock),
        Leadership.alone("controller-bench"),
        new ScalerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), false),
        clock,
        rejection -> System.err.println("controller-bench: config rejected: " + rejection),
        Map.<String, String>of()::get,
        false);
  }

  /** Every target decided at this poll: none held for unknown data or failed. */
  private static void check(ControllerStatus status, String when) {
    List<String> undecided =
        status.targets().stream()
            .filter(
                t ->
                    t.decision().isEmpty()
                        || t.action() == Action.ERROR
                        || t.action() == Action.HOLD_UNKNOWN_WORKLOAD
                        || t.action() == Action.BACKING_OFF)
            .map(TargetStatus::name)
            .limit(5)
            .toList();
    if (!undecided.isEmpty()) {
      throw new IllegalStateException(when + ": targets not decided, e.g. " + undecided);
    }
  }

  private static Path kubeconfig(KubernetesMockServer server, Path dir) throws Exception {
    Path file = dir.resolve("kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
          - name: mock
            cluster: {server: "%s"}
        users:
          - name: lag-scaler
            user: {token: bench}
        contexts:
          - name: mock
            context: {cluster: mock, user: lag-scaler, namespace: lag-scaler}
        current-context: mock
        """
            .formatted(server.url("/").replaceAll("/$", "")));
    return file;
  }

  private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> out = new TreeMap<>();
    after.forEach(
        (verb, count) -> {
          long d = count - before.getOrDefault(verb, 0L);
          if (d != 0) {
            out.put(verb, d);
          }
        });
    return out;
  }

  /** The largest count of a verb over the polls (the claim is about every poll, not the mean). */
  private static long maxOf(List<Map<String, Long>> polls, String verb) {
    return polls.stream().mapToLong(p -> p.getOrDefault(verb, 0L)).max().orElse(0);
  }

  private static Map<String, Long> writes(List<Map<String, Long>> polls) {
    Map<String, Long> out = new TreeMap<>();
    for (String verb : List.of("POST", "PUT", "PATCH", "DELETE")) {
      out.put(verb, maxOf(polls, verb));
    }
    return out;
  }

  private static Map<String, Long> writesOf(Map<String, Long> poll) {
    return writes(List.of(poll));
  }

  private String namespace(int i) {
    return "bench-" + (i % namespaces);
  }

  private static String workload(int i) {
    return "consumer-" + i;
  }

  private static String group(int i) {
    return "bench-group-" + i;
  }

  private static String topic(int t) {
    return "bench-" + t;
  }

  private void log(String message) {
    if (!json) {
      System.err.println("controller-bench: " + message);
    }
  }
}
