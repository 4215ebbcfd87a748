package io.lagscaler.ops;

/**
 * Something an operator must fix or decide (an unknown environment, no kubeconfig, an unreachable
 * cluster, a rollback without {@code --confirm}): the message says what, the exit code is 2.
 */
public final class OpsException extends RuntimeException {

  public OpsException(String message) {
    super(message);
  }

  public OpsException(String message, Throwable cause) {
    super(message, cause);
  }
}
