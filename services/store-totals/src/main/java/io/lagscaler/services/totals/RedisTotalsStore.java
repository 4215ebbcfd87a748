package io.lagscaler.services.totals;

import io.lagscaler.services.common.consumer.OrderStore;
import io.lagscaler.services.common.consumer.StoreUnavailableException;
import io.lagscaler.services.common.order.Order;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Store totals in Redis through one Lua script per store and day of a batch, all of a batch's calls
 * pipelined in one round trip. The script records each orderId in the day's seen set and applies
 * its increments only if it was new, atomically, so a replayed order counts once.
 */
public final class RedisTotalsStore implements OrderStore {

  private static final String SCRIPT = loadScript();

  private final RedisSettings settings;
  private final RedisClient client;
  private final String scriptSha;
  // Only the consumer thread writes; pipelining needs a connection of its own.
  private StatefulRedisConnection<String, String> writer;
  private StatefulRedisConnection<String, String> reader;

  public RedisTotalsStore(RedisSettings settings) {
    this.settings = settings;
    this.client = RedisClient.create(RedisURI.create(settings.uri()));
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail at once while disconnected instead of queueing: the consumer backs off and
            // retries the batch itself, and commits nothing meanwhile.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
            .build());
    this.scriptSha = sha1(SCRIPT);
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public void write(List<Order> orders) throws StoreUnavailableException {
    Map<StoreDay, List<Order>> byStoreDay = new LinkedHashMap<>();
    for (Order order : orders) {
      byStoreDay
          .computeIfAbsent(new StoreDay(order.storeId(), order.day()), k -> new ArrayList<>())
          .add(order);
    }
    try {
      StatefulRedisConnection<String, String> connection = writer();
      try {
        run(connection, byStoreDay, true);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RedisNoScriptException)) {
          throw e;
        }
        // A restarted Redis has forgotten the script: load it and run the batch again (the
        // calls that did run are deduplicated by the script itself).
        connection.sync().scriptLoad(SCRIPT);
        run(connection, byStoreDay, false);
      }
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new StoreUnavailableException("Redis write failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while writing to Redis", e);
    }
  }

  private void run(
      StatefulRedisConnection<String, String> connection,
      Map<StoreDay, List<Order>> byStoreDay,
      boolean pipelined)
      throws ExecutionException, TimeoutException, InterruptedException {
    RedisAsyncCommands<String, String> async = connection.async();
    String ttl = Long.toString(settings.dedupeTtl().toSeconds());
    List<RedisFuture<Long>> futures = new ArrayList<>(byStoreDay.size());
    connection.setAutoFlushCommands(false);
    try {
      for (Map.Entry<StoreDay, List<Order>> group : byStoreDay.entrySet()) {
        StoreDay key = group.getKey();
        List<String> args = new ArrayList<>();
        args.add(ttl);
        for (Order order : group.getValue()) {
          args.add(order.orderId());
          args.add(Long.toString(order.totalCents()));
          args.add(
              Long.toString(order.items().stream().mapToLong(Order.OrderItem::quantity).sum()));
          args.add(Integer.toString(order.items().size()));
          for (Order.OrderItem item : order.items()) {
            args.add(item.sku());
            args.add(Integer.toString(item.quantity()));
          }
        }
        futures.add(
            async.evalsha(
                scriptSha,
                ScriptOutputType.INTEGER,
                new String[] {key.seenKey(), key.totalsKey(), key.skusKey()},
                args.toArray(String[]::new)));
        if (!pipelined) {
          connection.flushCommands();
        }
      }
      connection.flushCommands();
    } finally {
      connection.setAutoFlushCommands(true);
    }
    long deadline = System.nanoTime() + settings.timeout().toNanos() * 2;
    for (RedisFuture<Long> future : futures) {
      future.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
  }

  private synchronized StatefulRedisConnection<String, String> writer() {
    if (writer == null) {
      writer = client.connect();
      writer.sync().scriptLoad(SCRIPT);
    }
    return writer;
  }

  private synchronized RedisCommands<String, String> reader() {
    if (reader == null) {
      reader = client.connect();
    }
    return reader.sync();
  }

  /** The day's totals for a store, with its {@code top} best-selling SKUs by units. */
  public StoreTotals totals(String storeId, LocalDate date, int top) {
    StoreDay key = new StoreDay(storeId, date);
    RedisCommands<String, String> redis = reader();
    Map<String, String> totals = redis.hgetall(key.totalsKey());
    List<ScoredValue<String>> best = redis.zrevrangeWithScores(key.skusKey(), 0, top - 1L);
    return new StoreTotals(
        storeId,
        date.toString(),
        Long.parseLong(totals.getOrDefault("revenueCents", "0")),
        Long.parseLong(totals.getOrDefault("orders", "0")),
        Long.parseLong(totals.getOrDefault("units", "0")),
        best.stream()
            .map(s -> new StoreTotals.SkuUnits(s.getValue(), (long) s.getScore()))
            .toList());
  }

  @Override
  public String problem() {
    try {
      String pong = reader().ping();
      return "PONG".equals(pong) ? null : "Redis answered " + pong;
    } catch (RuntimeException e) {
      return "Redis unreachable: " + e.getMessage();
    }
  }

  @Override
  public void close() {
    if (writer != null) {
      writer.close();
    }
    if (reader != null) {
      reader.close();
    }
    client.shutdown();
  }

  private static String loadScript() {
    try (InputStream in = RedisTotalsStore.class.getResourceAsStream("apply-orders.lua")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-1")
              .digest(text.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
