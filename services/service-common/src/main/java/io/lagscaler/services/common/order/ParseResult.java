package io.lagscaler.services.common.order;

import java.util.List;

/** The outcome of reading an order: valid, or the reasons it is not. */
public sealed interface ParseResult {

  record Valid(Order order) implements ParseResult {}

  record Invalid(List<FieldError> errors) implements ParseResult {
    public Invalid {
      errors = List.copyOf(errors);
    }
  }
}
