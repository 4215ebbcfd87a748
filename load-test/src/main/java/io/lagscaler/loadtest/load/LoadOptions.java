package io.lagscaler.loadtest.load;

import io.lagscaler.cli.DurationConverter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The load options {@code demo} and {@code run} share: the profile, its rates and the keys. */
public final class LoadOptions {

  @Option(
      names = "--profile",
      defaultValue = "spike",
      description =
          "constant, step, ramp, spike, sine (diurnal), onoff, or a CSV file of second,rate"
              + " (default ${DEFAULT-VALUE}).")
  String profile;

  @Option(
      names = "--duration",
      defaultValue = "300s",
      converter = DurationConverter.class,
      description = "How long the load runs (default ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(names = "--base-rate", defaultValue = "15", description = "Orders/s off-peak.")
  double baseRate;

  @Option(names = "--peak-rate", defaultValue = "120", description = "Orders/s at the peak.")
  double peakRate;

  @Option(names = "--keys", defaultValue = "uniform", description = "Keys: " + Keys.SYNTAX + ".")
  String keys;

  @Option(names = "--stores", defaultValue = "200", description = "Distinct stores (keys).")
  int stores;

  public int seconds() {
    return (int) duration.toSeconds();
  }

  public double baseRate() {
    return baseRate;
  }

  public double peakRate() {
    return peakRate;
  }

  /** The profile over the duration; a bad one is a usage error naming --profile. */
  public Profile profile(CommandLine commandLine) {
    if (baseRate < 0 || peakRate < 0) {
      throw new CommandLine.ParameterException(
          commandLine, "--base-rate and --peak-rate must be >= 0");
    }
    try {
      return Profile.of(profile, baseRate, peakRate, seconds());
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, "--profile: " + e.getMessage());
    }
  }

  /** The key spread; a bad one is a usage error naming --keys. */
  public Keys keys(CommandLine commandLine) {
    try {
      return Keys.parse(keys, stores);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(commandLine, "--keys: " + e.getMessage());
    }
  }
}
