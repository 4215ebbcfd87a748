package io.lagscaler.services.intake;

import io.lagscaler.services.common.config.ConfigException;
import io.lagscaler.services.common.config.Env;
import io.lagscaler.services.common.config.ServiceConfig;
import io.lagscaler.services.common.telemetry.Telemetry;

/** {@code java -jar order-intake.jar}: configuration from environment variables. */
public final class OrderIntakeMain {

  private OrderIntakeMain() {}

  public static void main(String[] args) {
    Env env = Env.system();
    ServiceConfig config = ServiceConfig.read(env, "order-intake");
    IntakeSettings settings = IntakeSettings.read(env);
    try {
      env.validate();
    } catch (ConfigException e) {
      System.err.println("order-intake: " + e.getMessage());
      System.exit(2);
    }
    OrderIntake intake =
        OrderIntake.start(config, settings, Telemetry.create("order-intake", config.tracing()));
    Runtime.getRuntime().addShutdownHook(new Thread(intake::close, "sigterm"));
  }
}
