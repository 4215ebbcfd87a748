package io.lagscaler.ops;

import java.time.ZonedDateTime;
import java.util.Optional;

/** A Helm release as {@code helm list} shows it. */
public record DeployedRelease(
    String name,
    String namespace,
    String revision,
    String status,
    String chart,
    String appVersion,
    Optional<ZonedDateTime> updated) {}
