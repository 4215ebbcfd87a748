package io.lagscaler.services.common.order;

/** A validation problem with the JSON path of the field it concerns. */
public record FieldError(String field, String message) {

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
