package io.lagscaler.services.totals;

import java.util.List;

/** A store's totals for one day, as the HTTP endpoint returns them. */
public record StoreTotals(
    String storeId,
    String date, // ISO date: records at the HTTP boundary hold plain JSON types
    long revenueCents,
    long orders,
    long units,
    List<SkuUnits> topSkus) {

  public record SkuUnits(String sku, long units) {}
}
