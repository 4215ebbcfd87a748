package io.lagscaler.services.totals;

import java.time.LocalDate;
import java.util.List;

/** A store's totals for one day, as the HTTP endpoint returns them. */
public record StoreTotals(
    String storeId,
    LocalDate date,
    long revenueCents,
    long orders,
    long units,
    List<SkuUnits> topSkus) {

  public record SkuUnits(String sku, long units) {}
}
