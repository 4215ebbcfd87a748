package io.lagscaler.services.common.order;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes the order JSON, validating every field and naming each bad one by its JSON path
 * ({@code items[2].quantity}). The same rules serve the HTTP intake (400 answers) and the consumers
 * (dead-letter decisions), so an order the intake accepts is one the consumers can store.
 */
public final class OrderJson {

  public static final int MAX_ID_LENGTH = 64;
  public static final int MAX_ITEMS = 100;
  public static final int MAX_QUANTITY = 10_000;
  public static final long MAX_UNIT_PRICE_CENTS = 100_000_000L;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private OrderJson() {}

  /** Reads one order from JSON bytes. */
  public static ParseResult parse(byte[] json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      return new ParseResult.Invalid(List.of(new FieldError("$", "not valid JSON: " + brief(e))));
    }
    return read(node, "");
  }

  /** Reads a JSON array of orders; every error is prefixed with the order's index. */
  public static List<ParseResult> parseArray(JsonNode array) {
    List<ParseResult> results = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      results.add(read(array.get(i), "[" + i + "]."));
    }
    return results;
  }

  public static JsonNode tree(byte[] json) throws IOException {
    return MAPPER.readTree(json);
  }

  /** Validates one order node; {@code prefix} goes before each field path. */
  public static ParseResult read(JsonNode node, String prefix) {
    List<FieldError> errors = new ArrayList<>();
    if (node == null || !node.isObject()) {
      errors.add(new FieldError(prefix.isEmpty() ? "$" : trim(prefix), "must be a JSON object"));
      return new ParseResult.Invalid(errors);
    }
    String orderId = id(node, "orderId", prefix, errors);
    String storeId = id(node, "storeId", prefix, errors);
    String customerId = id(node, "customerId", prefix, errors);
    Instant createdAt = instant(node, "createdAt", prefix, errors);
    List<Order.OrderItem> items = items(node.get("items"), prefix + "items", errors);
    if (!errors.isEmpty()) {
      return new ParseResult.Invalid(errors);
    }
    return new ParseResult.Valid(new Order(orderId, storeId, customerId, items, createdAt));
  }

  // Field paths are built only for an error: the valid order is the consumer's hot path.
  private static String id(JsonNode node, String name, String prefix, List<FieldError> errors) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      errors.add(new FieldError(prefix + name, "is required"));
      return null;
    }
    if (!value.isTextual()) {
      errors.add(new FieldError(prefix + name, "must be a string"));
      return null;
    }
    String text = value.asText();
    if (text.isEmpty() || text.length() > MAX_ID_LENGTH) {
      errors.add(new FieldError(prefix + name, "must be 1 to " + MAX_ID_LENGTH + " characters"));
      return null;
    }
    if (!isId(text)) {
      errors.add(new FieldError(prefix + name, "may contain only letters, digits and . _ : -"));
      return null;
    }
    return text;
  }

  // [A-Za-z0-9._:-]+ by hand: a regex here was the largest CPU cost of a consumer's parse.
  static boolean isId(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Instant instant(
      JsonNode node, String name, String prefix, List<FieldError> errors) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      errors.add(new FieldError(prefix + name, "is required"));
      return null;
    }
    String text = value.asText();
    Instant fast = plainUtcSeconds(text);
    if (fast != null) {
      return fast;
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      errors.add(
          new FieldError(
              prefix + name, "must be an ISO-8601 UTC instant such as 2026-11-22T10:15:30Z"));
      return null;
    }
  }

  /**
   * {@code 2026-11-22T10:15:30Z}, the form order-intake's clients send, read by hand: {@link
   * Instant#parse} was a large share of a consumer's parse. Null for anything else (fractions,
   * offsets, leap seconds, invalid dates), which {@link Instant#parse} then decides on.
   */
  static Instant plainUtcSeconds(String text) {
    if (text.length() != 20
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':'
        || text.charAt(19) != 'Z') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59) {
      return null;
    }
    if (second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    long days = java.time.LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second);
  }

  // The number in text[from, to), or -1 unless every character is an ASCII digit.
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static List<Order.OrderItem> items(
      JsonNode value, String field, List<FieldError> errors) {
    if (value == null || value.isNull()) {
      errors.add(new FieldError(field, "is required"));
      return List.of();
    }
    if (!value.isArray() || value.isEmpty() || value.size() > MAX_ITEMS) {
      errors.add(new FieldError(field, "must be an array of 1 to " + MAX_ITEMS + " items"));
      return List.of();
    }
    List<Order.OrderItem> items = new ArrayList<>(value.size());
    Map<String, Integer> seenSkus = new HashMap<>();
    for (int i = 0; i < value.size(); i++) {
      String at = field + "[" + i + "]";
      JsonNode item = value.get(i);
      if (!item.isObject()) {
        errors.add(new FieldError(at, "must be a JSON object"));
        continue;
      }
      int before = errors.size();
      String sku = id(item, "sku", at + ".", errors);
      long quantity = whole(item, "quantity", at + ".", 1, MAX_QUANTITY, errors);
      long price = whole(item, "unitPriceCents", at + ".", 0, MAX_UNIT_PRICE_CENTS, errors);
      if (sku != null) {
        Integer first = seenSkus.putIfAbsent(sku, i);
        // One line per SKU: the graph keeps one CONTAINS edge per product, so a repeated SKU
        // would be ambiguous there; the client merges its lines instead.
        if (first != null) {
          errors.add(
              new FieldError(at + ".sku", "duplicates " + field + "[" + first + "].sku " + sku));
        }
      }
      if (errors.size() == before) {
        items.add(new Order.OrderItem(sku, (int) quantity, price));
      }
    }
    return items;
  }

  private static long whole(
      JsonNode node, String name, String prefix, long min, long max, List<FieldError> errors) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      errors.add(new FieldError(prefix + name, "is required"));
      return 0;
    }
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      errors.add(
          new FieldError(prefix + name, "must be a whole number from " + min + " to " + max));
      return 0;
    }
    return value.asLong();
  }

  private static String trim(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  private static String brief(IOException e) {
    String message = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
  }

  public static ObjectNode toNode(Order order) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("orderId", order.orderId());
    node.put("storeId", order.storeId());
    node.put("customerId", order.customerId());
    ArrayNode items = node.putArray("items");
    for (Order.OrderItem item : order.items()) {
      items
          .addObject()
          .put("sku", item.sku())
          .put("quantity", item.quantity())
          .put("unitPriceCents", item.unitPriceCents());
    }
    node.put("createdAt", order.createdAt().toString());
    return node;
  }

  public static byte[] toBytes(Order order) {
    try {
      return MAPPER.writeValueAsBytes(toNode(order));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectMapper mapper() {
    return MAPPER;
  }
}
