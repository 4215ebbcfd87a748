package io.lagscaler.observe;

/** Kafka could not be reached or did not answer; the message says which call and why. */
public final class KafkaUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public KafkaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
