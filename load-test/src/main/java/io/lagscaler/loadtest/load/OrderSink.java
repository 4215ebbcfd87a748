package io.lagscaler.loadtest.load;

import io.lagscaler.services.common.order.Order;
import java.util.function.Consumer;

/**
 * Where the generator sends orders: Kafka directly, or order-intake over HTTP. A send never blocks
 * on its answer; {@code done} is called exactly once per order with how it ended.
 */
public interface OrderSink extends AutoCloseable {

  /** How one order ended: acknowledged, or failed with a kind that the report counts by. */
  record Outcome(boolean acknowledged, String kind, String detail) {
    public static final Outcome ACKNOWLEDGED = new Outcome(true, "acknowledged", "");

    public static Outcome failed(String kind, String detail) {
      return new Outcome(false, kind, detail);
    }
  }

  /** {@code kafka} or {@code intake}, for reports. */
  String name();

  /** Where the orders go, for the live view. */
  String describe();

  void send(Order order, Consumer<Outcome> done);

  /**
   * Waits for the sends in flight to end (their outcomes are reported as usual), and releases the
   * connections.
   */
  @Override
  void close();
}
