package io.lagscaler.services.common.consumer;

/** The store could not take a write now; retrying later may succeed. */
public final class StoreUnavailableException extends Exception {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
