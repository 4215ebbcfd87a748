package io.lagscaler.act;

/** Reading or scaling a workload failed; {@link #kind()} says how, the message says why. */
public final class ScalerException extends Exception {
  private static final long serialVersionUID = 1L;

  /** How an act call failed: the controller retries some with backoff and reports all. */
  public enum Kind {
    /** The workload does not exist. */
    NOT_FOUND,
    /** RBAC forbids the call (the message names the verb and resource). */
    FORBIDDEN,
    /** Optimistic concurrency lost too many times in a row. */
    CONFLICT,
    /** The API server failed or could not be reached. */
    API_ERROR,
    /**
     * What is known of the workload may be stale: its cache has not synced yet, or the watch that
     * keeps it current broke and has not been re-established. Not a failure of this target: it
     * holds until the cache is current again, without backoff.
     */
    UNKNOWN
  }

  private final Kind kind;

  public ScalerException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
