package io.lagscaler.services.graph;

/** A product bought by customers who bought what this customer bought. */
public record Recommendation(String sku, long customers) {}
