package io.lagscaler.services.common.consumer;

import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.order.ParseResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a store takes when nothing else is in the way: the service's own {@link OrderStore} writes
 * the same batches its consumer would, back to back, already parsed, with no Kafka, parsing or
 * commits. A service's consumer can at best match this rate, so it is the yardstick for the
 * consumer pipeline ({@code throughput} in load-test runs it next to the service).
 *
 * <p>The batches come from a file: one order's JSON per line (as the record value on the topic), an
 * empty line after each batch, as a consumer polled them.
 */
public final class StoreLimit {

  /** The argument that runs a service's jar as this benchmark instead of the service. */
  public static final String COMMAND = "store-limit";

  /**
   * Messages per second from the end of the first batch to the end of the last, like the service's
   * rate (first commit to last commit): connection set-up and first-call costs are left out.
   */
  public record Result(
      long messages, int batches, int retries, double seconds, double messagesPerSecond) {

    public String json() {
      return String.format(
          Locale.ROOT,
          "{\"messages\":%d,\"batches\":%d,\"retries\":%d,\"seconds\":%.3f,"
              + "\"messagesPerSecond\":%.1f}",
          messages,
          batches,
          retries,
          seconds,
          messagesPerSecond);
    }
  }

  private StoreLimit() {}

  /**
   * Writes {@code batches} to {@code store} one after another, as fast as it takes them. A batch
   * the store refuses is retried after {@link #RETRY_PAUSE}, as the consumer would retry it (and
   * the time counts, as it does for the consumer); after {@link #ATTEMPTS} refusals in a row it
   * throws.
   */
  public static Result measure(OrderStore store, List<List<Order>> batches)
      throws StoreUnavailableException, InterruptedException {
    return measure(store, batches, 1);
  }

  /**
   * As {@link #measure(OrderStore, List)}, with the clock started after the first {@code untimed}
   * batches (connection set-up and the JIT's warm-up), as the throughput benchmark leaves out the
   * same share of the replica's stream.
   */
  public static Result measure(OrderStore store, List<List<Order>> batches, int untimed)
      throws StoreUnavailableException, InterruptedException {
    if (untimed < 1 || batches.size() <= untimed) {
      throw new IllegalArgumentException(
          "the store limit needs more than " + untimed + " batches, got " + batches.size());
    }
    for (List<Order> batch : batches.subList(0, untimed)) {
      write(store, batch);
    }
    long start = System.nanoTime();
    long messages = 0;
    int retries = 0;
    for (List<Order> batch : batches.subList(untimed, batches.size())) {
      retries += write(store, batch);
      messages += batch.size();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(messages, batches.size() - untimed, retries, seconds, messages / seconds);
  }

  static final int ATTEMPTS = 10;
  static final Duration RETRY_PAUSE = Duration.ofMillis(200);

  // Returns how many times the batch had to be retried.
  private static int write(OrderStore store, List<Order> batch)
      throws StoreUnavailableException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        store.write(batch);
        return attempt - 1;
      } catch (StoreUnavailableException e) {
        if (attempt >= ATTEMPTS) {
          throw e;
        }
        System.err.println(COMMAND + ": retrying a batch: " + e.getMessage());
        Thread.sleep(RETRY_PAUSE.toMillis());
      }
    }
  }

  /**
   * {@code java -jar <service>.jar store-limit FILE [UNTIMED_BATCHES]}: measures {@code store}
   * (configured from the service's environment) with the batches in FILE, the clock started after
   * UNTIMED_BATCHES (default 1), and prints one JSON line; the exit status is 0, or 1 when the
   * store failed.
   */
  public static int run(String[] args, OrderStore store) {
    if (args.length != 2 && args.length != 3) {
      System.err.println("usage: " + COMMAND + " BATCHES_FILE [UNTIMED_BATCHES]");
      return 2;
    }
    try (store) {
      List<List<Order>> batches = readBatches(Path.of(args[1]));
      int untimed = args.length == 3 ? Integer.parseInt(args[2]) : 1;
      System.out.println(measure(store, batches, untimed).json());
      return 0;
    } catch (IOException | IllegalArgumentException e) {
      System.err.println(COMMAND + ": " + e.getMessage());
      return 2;
    } catch (StoreUnavailableException e) {
      System.err.println(COMMAND + ": the store failed: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Parses every batch up front, so the measurement times the store alone. */
  public static List<List<Order>> readBatches(Path file) throws IOException {
    List<List<Order>> batches = new ArrayList<>();
    List<Order> batch = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      int number = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        number++;
        if (line.isEmpty()) {
          if (!batch.isEmpty()) {
            batches.add(batch);
            batch = new ArrayList<>();
          }
          continue;
        }
        switch (OrderJson.parse(line.getBytes(StandardCharsets.UTF_8))) {
          case ParseResult.Valid(Order order) -> batch.add(order);
          case ParseResult.Invalid(var errors) ->
              throw new IllegalArgumentException(file + " line " + number + ": " + errors);
        }
      }
    }
    if (!batch.isEmpty()) {
      batches.add(batch);
    }
    return batches;
  }

  /** Writes record values as {@link #readBatches} reads them. */
  public static void writeBatches(Path file, List<List<byte[]>> batches) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      for (List<byte[]> batch : batches) {
        for (byte[] value : batch) {
          out.write(value);
          out.write('\n');
        }
        out.write('\n');
      }
    }
  }
}
