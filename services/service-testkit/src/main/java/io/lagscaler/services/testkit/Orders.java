package io.lagscaler.services.testkit;

import io.lagscaler.services.common.order.Order;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Deterministic order generation for tests and load: the same seed gives the same orders. */
public final class Orders {

  private final Random random;
  private final String prefix;
  private final int stores;
  private final int customers;
  private final int skus;
  private final Instant day;
  private long next;

  public Orders(long seed, String prefix, int stores, int customers, int skus, Instant day) {
    this.random = new Random(seed);
    this.prefix = prefix;
    this.stores = stores;
    this.customers = customers;
    this.skus = skus;
    this.day = day;
  }

  /** A small catalogue on one fixed day: enough collisions to exercise the aggregates. */
  public static Orders forTest(String prefix) {
    return new Orders(42, prefix, 5, 50, 20, Instant.parse("2026-11-22T00:00:00Z"));
  }

  public Order next(int items) {
    long n = next++;
    Set<String> chosen = new LinkedHashSet<>();
    while (chosen.size() < Math.min(items, skus)) {
      chosen.add("sku-" + random.nextInt(skus));
    }
    List<Order.OrderItem> lines = new ArrayList<>();
    for (String sku : chosen) {
      lines.add(new Order.OrderItem(sku, 1 + random.nextInt(5), 100 + random.nextInt(9_900)));
    }
    return new Order(
        prefix + "-" + n,
        prefix + "-store-" + random.nextInt(stores),
        prefix + "-customer-" + random.nextInt(customers),
        lines,
        day.plusSeconds(random.nextInt(86_000)));
  }

  public List<Order> next(int count, int items) {
    List<Order> orders = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      orders.add(next(items));
    }
    return orders;
  }

  public static Order of(
      String orderId, String storeId, String customerId, Order.OrderItem... items) {
    return new Order(
        orderId, storeId, customerId, List.of(items), Instant.parse("2026-11-22T10:15:30Z"));
  }
}
