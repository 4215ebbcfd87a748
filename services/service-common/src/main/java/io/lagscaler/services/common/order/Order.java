package io.lagscaler.services.common.order;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/** A validated order: what every service exchanges (build one through {@link OrderJson}). */
public record Order(
    String orderId, String storeId, String customerId, List<OrderItem> items, Instant createdAt) {

  public Order {
    items = List.copyOf(items);
  }

  /** One order line. */
  public record OrderItem(String sku, int quantity, long unitPriceCents) {}

  public long totalCents() {
    return items.stream().mapToLong(i -> i.quantity() * i.unitPriceCents()).sum();
  }

  /** The business day of the order; totals are kept per store and UTC day. */
  public LocalDate day() {
    return LocalDate.ofInstant(createdAt, ZoneOffset.UTC);
  }
}
