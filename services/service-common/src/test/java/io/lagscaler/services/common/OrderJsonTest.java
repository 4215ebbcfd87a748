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
