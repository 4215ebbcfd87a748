package io.lagscaler.services.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.lagscaler.services.common.order.FieldError;
import io.lagscaler.services.common.order.Order;
import io.lagscaler.services.common.order.OrderJson;
import io.lagscaler.services.common.order.ParseResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderJsonTest {

  private static ParseResult parse(String json) {
    return OrderJson.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> fields(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).errors().stream().map(FieldError::field).toList();
  }

  @Test
  void wellFormedOrderIsReadWithItsTotal() {
    ParseResult result =
        parse(
            """
            {"orderId":"o-1","storeId":"s-1","customerId":"c-1","createdAt":"2026-11-22T10:15:30Z",
             "items":[{"sku":"a","quantity":2,"unitPriceCents":150},{"sku":"b","quantity":1,"unitPriceCents":99}]}
            """);

    assertThat(result).isInstanceOf(ParseResult.Valid.class);
    Order order = ((ParseResult.Valid) result).order();
    assertThat(order.totalCents()).isEqualTo(399);
    assertThat(order.createdAt()).isEqualTo(Instant.parse("2026-11-22T10:15:30Z"));
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "2026-11-22T10:15:30Z",
        "2024-02-29T23:59:59Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "2026-11-22T10:15:30.250Z",
        "2026-11-22T10:15:30+01:00",
        "2023-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-22T24:00:00Z",
        "2026-11-22T10:60:00Z",
        "2026-11-22T10:15:60Z",
        "2026-11-22 10:15:30Z",
        "2026-1a-22T10:15:30Z",
        "not a date"
      })
  void createdAtIsReadExactlyAsInstantParseReadsIt(String createdAt) {
    ParseResult result =
        parse(
            """
            {"orderId":"o-1","storeId":"s-1","customerId":"c-1","createdAt":"%s",
             "items":[{"sku":"a","quantity":1,"unitPriceCents":1}]}
            """
                .formatted(createdAt));

    Instant expected;
    try {
      expected = Instant.parse(createdAt);
    } catch (java.time.format.DateTimeParseException e) {
      assertThat(fields(result)).containsExactly("createdAt");
      return;
    }
    assertThat(result).isInstanceOf(ParseResult.Valid.class);
    assertThat(((ParseResult.Valid) result).order().createdAt()).isEqualTo(expected);
  }

  @Test
  void eachBadFieldIsNamedByItsJsonPath() {
    ParseResult result =
        parse(
            """
            {"orderId":"","customerId":7,"createdAt":"yesterday",
             "items":[{"sku":"a","quantity":0,"unitPriceCents":1},{"sku":"b","quantity":1}]}
            """);

    assertThat(fields(result))
        .containsExactly(
            "orderId",
            "storeId",
            "customerId",
            "createdAt",
            "items[0].quantity",
            "items[1].unitPriceCents");
  }

  @Test
  void aRepeatedSkuNamesTheLineItRepeats() {
    ParseResult result =
        parse(
            """
            {"orderId":"o","storeId":"s","customerId":"c","createdAt":"2026-11-22T10:15:30Z",
             "items":[{"sku":"a","quantity":1,"unitPriceCents":1},{"sku":"a","quantity":2,"unitPriceCents":1}]}
            """);

    assertThat(((ParseResult.Invalid) result).errors())
        .singleElement()
        .isEqualTo(new FieldError("items[1].sku", "duplicates items[0].sku a"));
  }

  @Test
  void unparseableBytesAreReportedAsTheWholeDocument() {
    assertThat(fields(parse("{not json"))).containsExactly("$");
    assertThat(fields(parse("[1,2]"))).containsExactly("$");
  }

  @Test
  void writtenOrdersReadBackEqual() {
    Order order =
        new Order(
            "o-9",
            "s-9",
            "c-9",
            List.of(new Order.OrderItem("x", 3, 250)),
            Instant.parse("2026-01-02T03:04:05Z"));

    assertThat(OrderJson.parse(OrderJson.toBytes(order))).isEqualTo(new ParseResult.Valid(order));
  }
}
