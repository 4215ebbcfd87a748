package io.lagscaler.ops;

import java.time.ZonedDateTime;
import java.util.Optional;

/** One revision of a Helm release, as {@code helm history} lists it. */
public record ReleaseRevision(
    int revision,
    Optional<ZonedDateTime> updated,
    String status,
    String chart,
    String appVersion,
    String description) {}
