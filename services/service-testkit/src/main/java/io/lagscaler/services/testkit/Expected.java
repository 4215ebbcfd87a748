package io.lagscaler.services.testkit;

import io.lagscaler.services.common.order.Order;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** What a set of orders must add up to, per store and day: the oracle for totals checks. */
public final class Expected {

  /** Totals of one store and day. */
  public record Totals(long revenueCents, long orders, long units, Map<String, Long> skuUnits) {}

  /** A store on a day. */
  public record Key(String storeId, LocalDate day) {}

  private Expected() {}

  public static Map<Key, Totals> totals(Collection<Order> orders) {
    Map<Key, long[]> sums = new HashMap<>();
    Map<Key, Map<String, Long>> skus = new HashMap<>();
    for (Order order : orders) {
      Key key = new Key(order.storeId(), order.day());
      long[] s = sums.computeIfAbsent(key, k -> new long[3]);
      s[0] += order.totalCents();
      s[1] += 1;
      for (Order.OrderItem item : order.items()) {
        s[2] += item.quantity();
        skus.computeIfAbsent(key, k -> new HashMap<>())
            .merge(item.sku(), (long) item.quantity(), Long::sum);
      }
    }
    Map<Key, Totals> result = new HashMap<>();
    sums.forEach((k, s) -> result.put(k, new Totals(s[0], s[1], s[2], Map.copyOf(skus.get(k)))));
    return result;
  }
}
