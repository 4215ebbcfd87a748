package io.lagscaler.loadtest.services;

/**
 * One Prometheus scrape target of a local run: what a ServiceMonitor or PodMonitor would select in
 * a cluster. {@code job} is the component (lag-scaler, order-intake, store-totals, kafka, redis,
 * ...), {@code pod} names the process as a pod would be named, {@code address} is host:port and
 * {@code path} the metrics path.
 */
public record MetricsEndpoint(String job, String pod, String address, String path) {}
