package io.lagscaler.services.totals;

import io.javalin.http.Context;
import io.lagscaler.services.common.ConsumerService;
import io.lagscaler.services.common.config.ConfigException;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.consumer.StoreLimit;
import io.lagscaler.services.common.http.ServiceHttp;
import io.lagscaler.services.common.telemetry.Telemetry;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code java -jar store-totals.jar}: orders from Kafka into per-store daily totals in Redis. */
public final class StoreTotalsMain {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private StoreTotalsMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    ServiceConfig config = ServiceConfig.read(env, "store-totals");
    ServiceConfig.Consumer consumer = ServiceConfig.readConsumer(env, "store-totals");
    RedisSettings redis = RedisSettings.read(env);
    try {
      env.validate();
    } catch (ConfigException e) {
      System.err.println("store-totals: " + e.getMessage());
      System.exit(2);
    }
    if (args.length > 0 && args[0].equals(StoreLimit.COMMAND)) {
      // The store alone, with this service's store class and settings: the benchmark yardstick.
      System.exit(StoreLimit.run(args, new RedisTotalsStore(redis)));
    }
    ConsumerService.runUntilSignalled(start(config, consumer, redis));
  }

  /** Starts the service (also used by tests and the load-test commands). */
  public static ConsumerService start(
      ServiceConfig config, ServiceConfig.Consumer consumer, RedisSettings redis) {
    RedisTotalsStore store = new RedisTotalsStore(redis);
    return ConsumerService.start(
        config,
        consumer,
        store,
        Telemetry.create(config.serviceName(), config.tracing()),
        routes -> routes.get("/stores/{id}/totals", ctx -> totals(ctx, store)));
  }

  private static void totals(Context ctx, RedisTotalsStore store) {
    String storeId = ctx.pathParam("id");
    List<Map<String, String>> errors = new ArrayList<>();
    if (!ID.matcher(storeId).matches()) {
      errors.add(Map.of("field", "id", "message", "must be 1 to 64 of letters, digits, . _ : -"));
    }
    LocalDate date = LocalDate.now(ZoneOffset.UTC);
    String dateParam = ctx.queryParam("date");
    if (dateParam != null) {
      try {
        date = LocalDate.parse(dateParam);
      } catch (DateTimeParseException e) {
        errors.add(Map.of("field", "date", "message", "must be a date such as 2026-11-22"));
      }
    }
    int top = 10;
    String topParam = ctx.queryParam("top");
    if (topParam != null) {
      try {
        top = Integer.parseInt(topParam);
      } catch (NumberFormatException e) {
        top = -1;
      }
      if (top < 1 || top > 1000) {
        errors.add(Map.of("field", "top", "message", "must be a whole number from 1 to 1000"));
      }
    }
    if (!errors.isEmpty()) {
      ServiceHttp.json(ctx, 400, Map.of("error", "invalid request", "fields", errors));
      return;
    }
    try {
      ServiceHttp.json(ctx, 200, store.totals(storeId, date, top));
    } catch (RuntimeException e) {
      ServiceHttp.json(ctx, 503, Map.of("error", "Redis unavailable: " + e.getMessage()));
    }
  }
}
