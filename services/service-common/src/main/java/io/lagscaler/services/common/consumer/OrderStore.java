package io.lagscaler.services.common.consumer;

import io.lagscaler.services.common.order.Order;
import java.util.List;

/**
 * Where a consumer projects orders. Implementations must be idempotent per orderId: after a crash
 * or rebalance the same orders come again, and writing them twice must count them once.
 */
public interface OrderStore extends AutoCloseable {

  /** A short name for metrics and logs ({@code redis}, {@code neo4j}). */
  String name();

  /**
   * Writes every order of the batch, or throws: the consumer commits the batch only after this
   * returns.
   *
   * @throws StoreUnavailableException when the store cannot be reached; the consumer backs off and
   *     retries the same orders
   */
  void write(List<Order> orders) throws StoreUnavailableException;

  /** Null when the store answers, otherwise what is wrong (for /readyz). */
  String problem();

  @Override
  void close();
}
