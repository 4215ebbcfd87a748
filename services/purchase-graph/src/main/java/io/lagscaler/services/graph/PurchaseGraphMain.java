package io.lagscaler.services.graph;

import io.javalin.http.Context;
import io.lagscaler.services.common.ConsumerService;
import io.lagscaler.services.common.config.ConfigException;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.consumer.StoreLimit;
import io.lagscaler.services.common.http.ServiceHttp;
import io.lagscaler.services.common.telemetry.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code java -jar purchase-graph.jar}: orders from Kafka into a purchase graph in Neo4j. */
public final class PurchaseGraphMain {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  private PurchaseGraphMain() {}

  public static void main(String[] args) throws InterruptedException {
    Env env = Env.system();
    ServiceConfig config = ServiceConfig.read(env, "purchase-graph");
    ServiceConfig.Consumer consumer = ServiceConfig.readConsumer(env, "purchase-graph");
    Neo4jSettings neo4j = Neo4jSettings.read(env);
    try {
      env.validate();
    } catch (ConfigException e) {
      System.err.println("purchase-graph: " + e.getMessage());
      System.exit(2);
    }
    if (args.length > 0 && args[0].equals(StoreLimit.COMMAND)) {
      // The store alone, with this service's store class and settings: the benchmark yardstick.
      System.exit(StoreLimit.run(args, new Neo4jGraphStore(neo4j)));
    }
    ConsumerService.runUntilSignalled(start(config, consumer, neo4j));
  }

  /** Starts the service (also used by tests and the load-test commands). */
  public static ConsumerService start(
      ServiceConfig config, ServiceConfig.Consumer consumer, Neo4jSettings neo4j) {
    Neo4jGraphStore store = new Neo4jGraphStore(neo4j);
    return ConsumerService.start(
        config,
        consumer,
        store,
        Telemetry.create(config.serviceName(), config.tracing()),
        routes ->
            routes.get("/customers/{id}/recommendations", ctx -> recommendations(ctx, store)));
  }

  private static void recommendations(Context ctx, Neo4jGraphStore store) {
    String customerId = ctx.pathParam("id");
    List<Map<String, String>> errors = new ArrayList<>();
    if (!ID.matcher(customerId).matches()) {
      errors.add(Map.of("field", "id", "message", "must be 1 to 64 of letters, digits, . _ : -"));
    }
    int limit = 10;
    String limitParam = ctx.queryParam("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 100) {
        errors.add(Map.of("field", "limit", "message", "must be a whole number from 1 to 100"));
      }
    }
    if (!errors.isEmpty()) {
      ServiceHttp.json(ctx, 400, Map.of("error", "invalid request", "fields", errors));
      return;
    }
    try {
      ServiceHttp.json(
          ctx,
          200,
          Map.of(
              "customerId",
              customerId,
              "recommendations",
              store.recommendations(customerId, limit)));
    } catch (RuntimeException e) {
      ServiceHttp.json(ctx, 503, Map.of("error", "Neo4j unavailable: " + e.getMessage()));
    }
  }
}
