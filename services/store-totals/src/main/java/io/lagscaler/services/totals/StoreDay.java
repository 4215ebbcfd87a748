package io.lagscaler.services.totals;

import java.time.LocalDate;

/**
 * One store's day: the unit totals are kept by. The braces are a Redis Cluster hash tag, so every
 * key of a store lands in one slot and one script can update them together.
 */
public record StoreDay(String storeId, LocalDate day) {

  public String seenKey() {
    return "seen:{" + storeId + "}:" + day;
  }

  public String totalsKey() {
    return "totals:{" + storeId + "}:" + day;
  }

  public String skusKey() {
    return "skus:{" + storeId + "}:" + day;
  }
}
