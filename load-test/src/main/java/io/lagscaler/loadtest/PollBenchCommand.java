package io.lagscaler.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lagscaler.devstack.GroupOffsetsSeeder;
import io.lagscaler.devstack.KafkaBrokerProcess;
import io.lagscaler.observe.GroupOffsets;
import io.lagscaler.observe.GroupQuery;
import io.lagscaler.observe.LagReader;
import io.lagscaler.observe.Poll;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.SignalSettings;
import io.lagscaler.signals.SignalTracker;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code poll-bench}: the observer's cost at scale, against a real broker in a child JVM (so this
 * JVM's heap holds only the observer and the bench).
 */
@Command(
    name = "poll-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local Kafka broker, creates topics and consumer groups with committed offsets,"
          + " then polls all groups repeatedly with lag-scaler's observer and prints one JSON line:"
          + " poll latency, broker requests per poll and the observer's retained heap."
    })
public final class PollBenchCommand implements Callable<Integer> {

  @Option(names = "--groups", defaultValue = "200", description = "Consumer groups.")
  int groups;

  @Option(
      names = "--topics",
      defaultValue = "20",
      description = "Topics (group i reads topic i mod topics).")
  int topics;

  @Option(names = "--partitions", defaultValue = "50", description = "Partitions per topic.")
  int partitions;

  @Option(
      names = "--polls",
      defaultValue = "50",
      description = "Measured polls (after 3 warm-up polls).")
  int polls;

  @Option(
      names = "--messages-per-partition",
      defaultValue = "20",
      description = "Messages produced to each partition.")
  int messagesPerPartition;

  @Option(names = "--json", description = "Print only the JSON line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (groups < 1 || topics < 1 || partitions < 1 || polls < 1) {
      System.err.println("poll-bench: --groups, --topics, --partitions and --polls must be >= 1");
      return 2;
    }
    log("starting a Kafka broker (child JVM)...");
    try (KafkaBrokerProcess broker =
        KafkaBrokerProcess.start(
            Map.of("num.partitions", "1", "offsets.topic.num.partitions", "8"), "-Xmx1g")) {
      Map<String, Object> client =
          Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
      List<GroupQuery> queries = seed(client);

      long baseline = BenchFigures.retainedHeapBytes();
      LagReader reader = LagReader.connect(client, Duration.ofSeconds(30), Clock.systemUTC());
      SignalTracker tracker = new SignalTracker(SignalSettings.DEFAULTS);
      Map<String, GroupSignals> lastSignals = Map.of();
      for (int i = 0; i < 3; i++) {
        lastSignals = tracker.update(reader.poll(queries), queries);
      }
      Poll.PollStats lastStats = null;
      log("measuring " + polls + " polls of " + groups + " groups...");
      double[] pollMs = new double[polls];
      double[] signalsMs = new double[polls];
      long[] requests = new long[polls];
      int failedGroups = 0;
      for (int i = 0; i < polls; i++) {
        Poll poll = reader.poll(queries);
        long start = System.nanoTime();
        lastSignals = tracker.update(poll, queries);
        signalsMs[i] = (System.nanoTime() - start) / 1e6;
        lastStats = poll.stats();
        pollMs[i] = lastStats.duration().toNanos() / 1e6;
        requests[i] = lastStats.brokerRequests();
        failedGroups +=
            (int)
                poll.groups().values().stream()
                    .filter(GroupOffsets.Failed.class::isInstance)
                    .count();
      }
      // Retained state, as the controller retains it between polls: the reader, the tracker's
      // history, the last signals (which hold the offsets read) and the last poll's stats.
      // The poll itself is garbage once the signals are made (the controller keeps its stats).
      Poll.PollStats stats = lastStats;
      long retained = BenchFigures.retainedHeapBytes() - baseline;
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("groups", groups);
      out.put("topics", topics);
      out.put("partitions", stats.partitions());
      out.put("groupPartitions", stats.groupPartitions());
      out.put("brokers", stats.brokers());
      out.put("polls", polls);
      out.put("failedGroupReads", failedGroups);
      out.put("pollP50Ms", BenchFigures.round(BenchFigures.percentile(pollMs, 50)));
      out.put("pollP99Ms", BenchFigures.round(BenchFigures.percentile(pollMs, 99)));
      out.put("signalsP50Ms", BenchFigures.round(BenchFigures.percentile(signalsMs, 50)));
      out.put(
          "requestsPerPoll",
          BenchFigures.percentile(Arrays.stream(requests).asDoubleStream().toArray(), 50));
      out.put("requestsPerPollMax", Arrays.stream(requests).max().orElse(0));
      // KEDA's Kafka scaler: per ScaledObject query, Metadata + OffsetFetch + one ListOffsets per
      // partition-leader broker (2 + brokers), so it grows with the number of groups.
      out.put("kedaRequestsPerQuery", (long) groups * (2 + stats.brokers()));
      out.put("heapMiB", BenchFigures.round(retained / (1024.0 * 1024.0)));
      System.out.println(new ObjectMapper().writeValueAsString(out));
      reader.close();
      if (lastSignals.size() != groups) {
        System.err.println("poll-bench: expected signals for " + groups + " groups");
        return 1;
      }
      return failedGroups == 0 ? 0 : 1;
    }
  }

  private List<GroupQuery> seed(Map<String, Object> client) throws Exception {
    log("creating " + topics + " topics x " + partitions + " partitions...");
    List<String> names = new ArrayList<>();
    try (Admin admin = Admin.create(client)) {
      List<NewTopic> newTopics = new ArrayList<>();
      for (int t = 0; t < topics; t++) {
        names.add("bench-" + t);
        newTopics.add(new NewTopic("bench-" + t, partitions, (short) 1));
      }
      admin.createTopics(newTopics).all().get();
      Map<String, Object> producerConfig = new HashMap<>(client);
      producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
      producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
        byte[] value = new byte[100];
        for (String topic : names) {
          for (int p = 0; p < partitions; p++) {
            for (int m = 0; m < messagesPerPartition; m++) {
              producer.send(new ProducerRecord<>(topic, p, null, value));
            }
          }
        }
        producer.flush();
      }
      log("committing offsets for " + groups + " groups...");
      Random random = new Random(42);
      List<GroupQuery> queries = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        String topic = names.get(g % topics);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
          offsets.put(
              new TopicPartition(topic, p), (long) random.nextInt(messagesPerPartition + 1));
        }
        String group = "bench-group-" + g;
        GroupOffsetsSeeder.commit(admin, group, offsets);
        queries.add(GroupQuery.of(group));
      }
      return queries;
    }
  }

  private void log(String message) {
    if (!json) {
      System.err.println("poll-bench: " + message);
    }
  }
}
