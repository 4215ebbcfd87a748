package io.lagscaler.observe;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ClassicGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClassicGroupsOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Reads the offsets of every configured consumer group in one batched pass per poll; the only class
 * that talks to Kafka's Admin client.
 *
 * <p>Per poll, whatever the number of groups: one multi-group {@code listConsumerGroupOffsets}, one
 * {@code describeConsumerGroups} (or {@code describeClassicGroups} when every group was classic at
 * the last poll), one {@code describeTopics} for the union of the groups' topics, and one {@code
 * listOffsets} per offset spec (latest, earliest, and latest read-committed only when some group
 * reads committed) over the union of their partitions. The admin client fans each call out to the
 * coordinators or partition leaders, so the request count grows with brokers, never with groups;
 * {@link Poll.PollStats#brokerRequests()} counts it from the client's own metrics.
 */
public final class LagReader implements AutoCloseable {

  /** Partition counts are refreshed after this long, like a client's metadata.max.age.ms. */
  public static final Duration DEFAULT_METADATA_MAX_AGE = Duration.ofSeconds(30);

  private final Admin admin;
  private final Duration timeout;
  private final Duration metadataMaxAge;
  private final Clock clock;
  private final Map<String, CachedCount> partitionCounts = new HashMap<>();

  /**
   * Each group's protocol as the last poll that described it found it: picks the describe call. One
   * entry per group ever polled (a group that fails to describe is forgotten).
   */
  private final Map<String, GroupProtocol> lastProtocol = new HashMap<>();

  /** Reads records' timestamps when a poll asks for them; its consumer opens at first use. */
  private final RecordTimestamps recordTimestamps;

  /** How many partitions of each group have their record's timestamp read: its worst few. */
  static final int DECIDING_PARTITIONS = 3;

  LagReader(
      Admin admin,
      Duration timeout,
      Duration metadataMaxAge,
      Clock clock,
      Map<String, Object> clientProperties) {
    this.admin = admin;
    this.timeout = timeout;
    this.metadataMaxAge = metadataMaxAge;
    this.clock = clock;
    this.recordTimestamps = new RecordTimestamps(clientProperties);
  }

  private record CachedCount(int partitions, long fetchedNanos) {}

  /**
   * Connects to Kafka with the given client properties ({@code bootstrap.servers} and security
   * settings). The connection is lazy: a broker that cannot be reached shows up as failed groups.
   */
  public static LagReader connect(
      Map<String, Object> clientProperties, Duration timeout, Clock clock) {
    return connect(clientProperties, timeout, DEFAULT_METADATA_MAX_AGE, clock);
  }

  /**
   * As {@link #connect(Map, Duration, Clock)}, with the age after which topic partition counts are
   * read again (they are also read at once for a new topic, a commit on a partition beyond the
   * known count, or a partition error).
   */
  public static LagReader connect(
      Map<String, Object> clientProperties,
      Duration timeout,
      Duration metadataMaxAge,
      Clock clock) {
    Map<String, Object> config = new HashMap<>(clientProperties);
    config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "lag-scaler");
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    return new LagReader(Admin.create(config), timeout, metadataMaxAge, clock, config);
  }

  /** Reads every group of {@code queries} at once. Never throws for one group's failure. */
  public Poll poll(List<GroupQuery> queries) {
    return poll(queries, false);
  }

  /**
   * As {@link #poll(List)}; with {@code recordTimestamps}, also the timestamp of the record at the
   * committed offset of each group's worst few partitions (by lag), read with one bounded fetch per
   * broker (see {@link RecordTimestamps}) within what is left of the timeout.
   */
  public Poll poll(List<GroupQuery> queries, boolean recordTimestamps) {
    long requestsBefore = requestCount();
    long startNanos = System.nanoTime();
    Deadline deadline = new Deadline(timeout);

    List<String> groupIds = queries.stream().map(GroupQuery::group).distinct().toList();
    // Both calls go out before either is awaited.
    var commits =
        admin.listConsumerGroupOffsets(
            commitSpecs(groupIds),
            new ListConsumerGroupOffsetsOptions().timeoutMs(deadline.remainingMillis()));
    Map<String, Outcome<Description>> described = describeGroups(groupIds, deadline);
    Map<String, Outcome<Map<TopicPartition, OffsetAndMetadata>>> committed = new LinkedHashMap<>();
    for (String group : groupIds) {
      committed.put(group, await(commits.partitionsToOffsetAndMetadata(group), deadline));
    }

    Map<String, SortedSet<String>> topicsByGroup = new LinkedHashMap<>();
    for (GroupQuery query : queries) {
      SortedSet<String> topics = new TreeSet<>(query.topics());
      if (topics.isEmpty() && committed.get(query.group()) instanceof Outcome.Ok(var offsets)) {
        offsets.keySet().forEach(tp -> topics.add(tp.topic()));
      }
      topicsByGroup.put(query.group(), topics);
    }
    Set<String> allTopics = new TreeSet<>();
    topicsByGroup.values().forEach(allTopics::addAll);
    Map<String, Outcome<Integer>> partitionCounts =
        partitionCounts(allTopics, committed.values(), deadline);

    Set<TopicPartition> allPartitions = new HashSet<>();
    Set<TopicPartition> readCommittedPartitions = new HashSet<>();
    for (GroupQuery query : queries) {
      for (String topic : topicsByGroup.get(query.group())) {
        if (partitionCounts.get(topic) instanceof Outcome.Ok(Integer count)) {
          for (int p = 0; p < count; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            allPartitions.add(tp);
            if (query.isolation() == Isolation.READ_COMMITTED) {
              readCommittedPartitions.add(tp);
            }
          }
        }
      }
    }
    // The three specs go out together; each is one call over the union of partitions.
    OffsetsCall latest =
        listOffsets(allPartitions, OffsetSpec.latest(), IsolationLevel.READ_UNCOMMITTED);
    OffsetsCall earliest =
        listOffsets(allPartitions, OffsetSpec.earliest(), IsolationLevel.READ_UNCOMMITTED);
    OffsetsCall stable =
        listOffsets(readCommittedPartitions, OffsetSpec.latest(), IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, Offset> highWatermarks = latest.await(deadline);
    Map<TopicPartition, Offset> logStarts = earliest.await(deadline);
    Map<TopicPartition, Offset> lastStable = stable.await(deadline);
    forgetTopicsWithErrors(highWatermarks, logStarts, lastStable);

    Map<String, GroupOffsets> groups = new LinkedHashMap<>();
    int groupPartitions = 0;
    // One key object per topic partition, shared by every group reading it: the signals keep
    // them, one per group partition otherwise.
    Map<String, PartitionKey[]> keys = new HashMap<>();
    for (GroupQuery query : queries) {
      GroupOffsets result =
          assemble(
              query,
              committed.get(query.group()),
              described.get(query.group()),
              topicsByGroup.get(query.group()),
              partitionCounts,
              query.isolation() == Isolation.READ_COMMITTED ? lastStable : highWatermarks,
              logStarts,
              keys);
      if (result instanceof GroupOffsets.Read read) {
        groupPartitions += read.partitions().size();
      }
      groups.put(query.group(), result);
    }
    Map<PartitionKey, Poll.RecordTime> recordTimes = new HashMap<>();
    if (recordTimestamps) {
      Map<TopicPartition, Long> wanted = decidingOffsets(groups.values());
      recordTimes = new HashMap<>();
      for (var e :
          this.recordTimestamps
              .read(wanted, Duration.ofMillis(deadline.remainingMillis()))
              .entrySet()) {
        recordTimes.put(new PartitionKey(e.getKey().topic(), e.getKey().partition()), e.getValue());
      }
    }
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    return new Poll(
        clock.instant(),
        groups,
        new Poll.PollStats(
            elapsed,
            requestCount() - requestsBefore,
            brokerCount(),
            allPartitions.size(),
            groupPartitions),
        recordTimes);
  }

  /**
   * The committed offsets whose record decides each group's time lag: its {@value
   * #DECIDING_PARTITIONS} partitions with the most lag. Two groups on one partition at different
   * offsets: the lower offset (the older record) is read, the other group interpolates.
   */
  static Map<TopicPartition, Long> decidingOffsets(Collection<GroupOffsets> groups) {
    Map<TopicPartition, Long> wanted = new HashMap<>();
    for (GroupOffsets g : groups) {
      if (!(g instanceof GroupOffsets.Read read)) {
        continue;
      }
      read.partitions().stream()
          .filter(
              p ->
                  p.committed() instanceof Offset.Known(long c)
                      && p.logEnd() instanceof Offset.Known(long end)
                      && end > c)
          .sorted(
              java.util.Comparator.comparingLong(
                      (PartitionOffsets p) -> p.logEnd().orElse(0) - p.committed().orElse(0))
                  .reversed())
          .limit(DECIDING_PARTITIONS)
          .forEach(
              p ->
                  wanted.merge(
                      new TopicPartition(p.partition().topic(), p.partition().partition()),
                      p.committed().orElse(0),
                      Math::min));
    }
    return wanted;
  }

  /** The ids of every consumer group the cluster knows (classic and consumer protocol). */
  public List<String> listGroupIds() {
    try {
      Collection<GroupListing> listings =
          admin
              .listGroups(ListGroupsOptions.forConsumerGroups().timeoutMs((int) timeout.toMillis()))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return listings.stream().map(GroupListing::groupId).sorted().toList();
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaUnavailableException("could not list consumer groups: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while listing consumer groups", e);
    }
  }

  /** Checks that a broker answers within the timeout; throws with the reason otherwise. */
  public int checkReachable() {
    try {
      return admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
    } catch (ExecutionException | TimeoutException e) {
      throw new KafkaUnavailableException(
          "no Kafka broker answered within " + timeout.toMillis() + " ms: " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailableException("interrupted while reaching Kafka", e);
    }
  }

  @Override
  public void close() {
    recordTimestamps.close();
    admin.close(Duration.ofSeconds(5));
  }

  private static Map<String, ListConsumerGroupOffsetsSpec> commitSpecs(List<String> groupIds) {
    Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
    groupIds.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
    return specs;
  }

  /** What a group's description says, from either protocol's describe call. */
  private record Description(GroupState state, int members, GroupProtocol protocol) {}

  /**
   * Describes the groups. Kafka 4's {@code describeConsumerGroups} asks with the consumer
   * protocol's API and asks classic groups again with the classic one: two requests. When the last
   * poll found every group classic, {@code describeClassicGroups} asks once; a group that is no
   * longer classic (migrated to the consumer protocol) is described again the general way in the
   * same poll.
   */
  private Map<String, Outcome<Description>> describeGroups(
      List<String> groupIds, Deadline deadline) {
    Map<String, Outcome<Description>> out = new LinkedHashMap<>();
    List<String> general = groupIds;
    if (!groupIds.isEmpty()
        && groupIds.stream().allMatch(g -> lastProtocol.get(g) == GroupProtocol.CLASSIC)) {
      var result =
          admin.describeClassicGroups(
              groupIds, new DescribeClassicGroupsOptions().timeoutMs(deadline.remainingMillis()));
      // describedGroups() copies the map of every group's future on each call: once, not per
      // group (per group, a poll of 5,000 groups spent seconds copying maps).
      var futures = result.describedGroups();
      general = new ArrayList<>();
      for (String group : groupIds) {
        Outcome<Description> d = await(futures.get(group), deadline).map(LagReader::classic);
        if (d instanceof Outcome.Ok<Description> ok && ok.value().state() != GroupState.DEAD) {
          out.put(group, d);
        } else {
          general.add(group);
        }
      }
    }
    if (!general.isEmpty()) {
      var result =
          admin.describeConsumerGroups(
              general, new DescribeConsumerGroupsOptions().timeoutMs(deadline.remainingMillis()));
      var futures = result.describedGroups();
      for (String group : general) {
        out.put(group, await(futures.get(group), deadline).map(LagReader::any));
      }
    }
    out.forEach(
        (group, d) -> {
          if (d instanceof Outcome.Ok<Description> ok) {
            lastProtocol.put(group, ok.value().protocol());
          } else {
            lastProtocol.remove(group);
          }
        });
    return out;
  }

  private static Description any(ConsumerGroupDescription d) {
    if (d.type() != GroupType.CONSUMER) {
      return new Description(state(d.groupState()), d.members().size(), GroupProtocol.CLASSIC);
    }
    List<Optional<Integer>> memberEpochs = new ArrayList<>();
    d.members().forEach(m -> memberEpochs.add(m.memberEpoch()));
    return new Description(
        consumerProtocolState(
            state(d.groupState()), d.groupEpoch(), d.targetAssignmentEpoch(), memberEpochs),
        d.members().size(),
        GroupProtocol.CONSUMER);
  }

  /**
   * A KIP-848 group's state from its epochs, which tell a rebalance in progress directly: the group
   * epoch ahead of the target assignment's (the broker has not computed the new assignment yet), or
   * a member's epoch behind the target assignment's (it has not finished revoking or taking
   * partitions). Brokers that do not report epochs (older than the consumer protocol's GA) leave
   * the reported state.
   */
  static GroupState consumerProtocolState(
      GroupState reported,
      Optional<Integer> groupEpoch,
      Optional<Integer> targetAssignmentEpoch,
      List<Optional<Integer>> memberEpochs) {
    if (groupEpoch.isEmpty() || targetAssignmentEpoch.isEmpty()) {
      return reported;
    }
    if (reported != GroupState.STABLE && reported != GroupState.REBALANCING) {
      return reported; // empty, dead or unknown: no members to reconcile, whatever the epochs say
    }
    int target = targetAssignmentEpoch.get();
    boolean membersBehind = memberEpochs.stream().anyMatch(e -> e.isPresent() && e.get() != target);
    return groupEpoch.get() > target || membersBehind ? GroupState.REBALANCING : GroupState.STABLE;
  }

  private static Description classic(ClassicGroupDescription d) {
    GroupState state =
        switch (d.state()) {
          case STABLE -> GroupState.STABLE;
          case PREPARING_REBALANCE, COMPLETING_REBALANCE -> GroupState.REBALANCING;
          case EMPTY -> GroupState.EMPTY;
          case DEAD -> GroupState.DEAD;
          case UNKNOWN -> GroupState.UNKNOWN;
        };
    return new Description(state, d.members().size(), GroupProtocol.CLASSIC);
  }

  /**
   * Partition counts of {@code topics}, from the cache while it is fresh. A topic is read again
   * when it is new, older than the max age, or a group committed on a partition beyond its count.
   */
  private Map<String, Outcome<Integer>> partitionCounts(
      Set<String> topics,
      Collection<Outcome<Map<TopicPartition, OffsetAndMetadata>>> commits,
      Deadline deadline) {
    long now = System.nanoTime();
    Set<String> stale = new TreeSet<>();
    for (String topic : topics) {
      CachedCount cached = partitionCounts.get(topic);
      if (cached == null || now - cached.fetchedNanos() >= metadataMaxAge.toNanos()) {
        stale.add(topic);
      }
    }
    for (Outcome<Map<TopicPartition, OffsetAndMetadata>> outcome : commits) {
      if (outcome instanceof Outcome.Ok(var offsets)) {
        for (TopicPartition tp : offsets.keySet()) {
          CachedCount cached = partitionCounts.get(tp.topic());
          if (cached != null
              && tp.partition() >= cached.partitions()
              && topics.contains(tp.topic())) {
            stale.add(tp.topic());
          }
        }
      }
    }
    Map<String, Outcome<Integer>> fresh = describeTopics(stale, deadline);
    Map<String, Outcome<Integer>> out = new LinkedHashMap<>();
    for (String topic : topics) {
      Outcome<Integer> count = fresh.get(topic);
      if (count == null) {
        count = new Outcome.Ok<>(partitionCounts.get(topic).partitions());
      } else if (count instanceof Outcome.Ok(Integer n)) {
        partitionCounts.put(topic, new CachedCount(n, now));
      } else {
        partitionCounts.remove(topic);
      }
      out.put(topic, count);
    }
    partitionCounts.keySet().retainAll(topics);
    return out;
  }

  /** A partition error (deleted or recreated topic, moved leader) makes its topic re-read. */
  @SafeVarargs
  private void forgetTopicsWithErrors(Map<TopicPartition, Offset>... results) {
    for (Map<TopicPartition, Offset> result : results) {
      result.forEach(
          (tp, offset) -> {
            if (offset instanceof Offset.Unknown) {
              partitionCounts.remove(tp.topic());
            }
          });
    }
  }

  private Map<String, Outcome<Integer>> describeTopics(Set<String> topics, Deadline deadline) {
    Map<String, Outcome<Integer>> out = new LinkedHashMap<>();
    if (topics.isEmpty()) {
      return out;
    }
    var result =
        admin.describeTopics(
            topics, new DescribeTopicsOptions().timeoutMs(deadline.remainingMillis()));
    Map<String, KafkaFuture<TopicDescription>> futures = result.topicNameValues();
    for (String topic : topics) {
      out.put(topic, await(futures.get(topic), deadline).map(d -> d.partitions().size()));
    }
    return out;
  }

  private OffsetsCall listOffsets(
      Set<TopicPartition> partitions, OffsetSpec spec, IsolationLevel isolation) {
    if (partitions.isEmpty()) {
      return new OffsetsCall(partitions, null);
    }
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(tp -> request.put(tp, spec));
    ListOffsetsOptions options =
        new ListOffsetsOptions(isolation).timeoutMs((int) timeout.toMillis());
    return new OffsetsCall(partitions, admin.listOffsets(request, options));
  }

  private final class OffsetsCall {
    private final Set<TopicPartition> partitions;
    private final ListOffsetsResult result;

    OffsetsCall(Set<TopicPartition> partitions, ListOffsetsResult result) {
      this.partitions = partitions;
      this.result = result;
    }

    Map<TopicPartition, Offset> await(Deadline deadline) {
      Map<TopicPartition, Offset> out = new HashMap<>();
      for (TopicPartition tp : partitions) {
        Outcome<ListOffsetsResult.ListOffsetsResultInfo> info =
            LagReader.this.await(result.partitionResult(tp), deadline);
        out.put(
            tp,
            switch (info) {
              case Outcome.Ok(var value) -> Offset.known(value.offset());
              case Outcome.Err(String error) -> Offset.unknown(error);
            });
      }
      return out;
    }
  }

  private static GroupOffsets assemble(
      GroupQuery query,
      Outcome<Map<TopicPartition, OffsetAndMetadata>> committed,
      Outcome<Description> described,
      SortedSet<String> topics,
      Map<String, Outcome<Integer>> counts,
      Map<TopicPartition, Offset> logEnds,
      Map<TopicPartition, Offset> logStarts,
      Map<String, PartitionKey[]> keys) {
    if (committed instanceof Outcome.Err(String error)) {
      return new GroupOffsets.Failed(query.group(), "committed offsets: " + error);
    }
    Map<TopicPartition, OffsetAndMetadata> commits =
        ((Outcome.Ok<Map<TopicPartition, OffsetAndMetadata>>) committed).value();

    GroupState state;
    int members;
    GroupProtocol protocol;
    switch (described) {
      case Outcome.Ok(Description d) -> {
        state = d.state();
        members = d.members();
        protocol = d.protocol();
        // A group with neither members nor offsets does not exist for scaling purposes.
        if (members == 0 && commits.isEmpty() && state == GroupState.EMPTY) {
          state = GroupState.DEAD;
        }
      }
      case Outcome.Err(String error)
          when error.startsWith(GroupIdNotFoundException.class.getSimpleName()) -> {
        state = commits.isEmpty() ? GroupState.DEAD : GroupState.EMPTY;
        members = 0;
        protocol = GroupProtocol.UNKNOWN;
      }
      case Outcome.Err(String error) -> {
        return new GroupOffsets.Failed(query.group(), "group description: " + error);
      }
    }

    List<PartitionOffsets> partitions = new ArrayList<>();
    for (String topic : topics) {
      Outcome<Integer> count = counts.get(topic);
      if (count instanceof Outcome.Ok(Integer n)) {
        PartitionKey[] topicKeys = keys.get(topic);
        if (topicKeys == null || topicKeys.length != n) {
          topicKeys = new PartitionKey[n];
          for (int p = 0; p < n; p++) {
            topicKeys[p] = new PartitionKey(topic, p);
          }
          keys.put(topic, topicKeys);
        }
        for (int p = 0; p < n; p++) {
          TopicPartition tp = new TopicPartition(topic, p);
          partitions.add(
              new PartitionOffsets(
                  topicKeys[p],
                  committed(commits.get(tp)),
                  logEnds.getOrDefault(tp, Offset.unknown("not read")),
                  logStarts.getOrDefault(tp, Offset.unknown("not read"))));
        }
      } else {
        // The topic is gone (deleted) or its metadata failed: keep the committed partitions
        // visible with unknown log offsets rather than dropping them.
        String reason =
            count instanceof Outcome.Err(String error)
                    && error.startsWith(UnknownTopicOrPartitionException.class.getSimpleName())
                ? "topic does not exist"
                : "topic metadata: " + ((Outcome.Err<Integer>) count).error();
        commits.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(topic))
            .sorted(
                java.util.Map.Entry.comparingByKey(
                    java.util.Comparator.comparingInt(TopicPartition::partition)))
            .forEach(
                e ->
                    partitions.add(
                        new PartitionOffsets(
                            new PartitionKey(topic, e.getKey().partition()),
                            committed(e.getValue()),
                            Offset.unknown(reason),
                            Offset.unknown(reason))));
      }
    }
    return new GroupOffsets.Read(query.group(), state, members, protocol, partitions);
  }

  private static Offset committed(OffsetAndMetadata offset) {
    // Kafka reports "no commit" as a missing entry or a null/negative offset.
    return offset == null || offset.offset() < 0
        ? new Offset.NoCommit()
        : Offset.known(offset.offset());
  }

  static GroupState state(org.apache.kafka.common.GroupState state) {
    return switch (state) {
      case STABLE -> GroupState.STABLE;
      case PREPARING_REBALANCE, COMPLETING_REBALANCE, ASSIGNING, RECONCILING ->
          GroupState.REBALANCING;
      case EMPTY -> GroupState.EMPTY;
      case DEAD -> GroupState.DEAD;
      case UNKNOWN, NOT_READY -> GroupState.UNKNOWN;
    };
  }

  private <T> Outcome<T> await(KafkaFuture<T> future, Deadline deadline) {
    if (future == null) {
      return new Outcome.Err<>("no result");
    }
    try {
      return new Outcome.Ok<>(future.get(deadline.remainingMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      return new Outcome.Err<>(describe(e.getCause()));
    } catch (TimeoutException e) {
      return new Outcome.Err<>("timed out after " + timeout.toMillis() + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome.Err<>("interrupted");
    }
  }

  private static String describe(Throwable e) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }

  private long requestCount() {
    double total = 0;
    for (Map.Entry<MetricName, ? extends Metric> e : admin.metrics().entrySet()) {
      MetricName name = e.getKey();
      // Per-node counters; their sum is every request sent, metadata included.
      if (name.group().equals("admin-client-node-metrics") && name.name().equals("request-total")) {
        total += ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    return Math.round(total) + recordTimestamps.requestCount();
  }

  /** Brokers this client has talked to, from its per-node metrics (no extra request). */
  private int brokerCount() {
    Set<String> nodes = new HashSet<>();
    for (MetricName name : admin.metrics().keySet()) {
      String node = name.tags().get("node-id");
      // Bootstrap connections have negative ids ("node--1"): not brokers of their own.
      if (name.group().equals("admin-client-node-metrics")
          && node != null
          && !node.startsWith("node--")) {
        nodes.add(node);
      }
    }
    return nodes.size();
  }

  /** A per-call result: the value, or the error text. */
  private sealed interface Outcome<T> {
    record Ok<T>(T value) implements Outcome<T> {}

    record Err<T>(String error) implements Outcome<T> {}

    default <R> Outcome<R> map(java.util.function.Function<T, R> f) {
      return switch (this) {
        case Ok<T>(T value) -> new Ok<>(f.apply(value));
        case Err<T>(String error) -> new Err<>(error);
      };
    }
  }

  private static final class Deadline {
    private final long endNanos;

    Deadline(Duration budget) {
      this.endNanos = System.nanoTime() + budget.toNanos();
    }

    int remainingMillis() {
      return (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()));
    }
  }
}
