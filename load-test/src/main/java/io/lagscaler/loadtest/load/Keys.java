package io.lagscaler.loadtest.load;

import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How orders spread over stores, and so over partitions (the store id is the record key): evenly,
 * or with a share of the orders on a small set of hot stores, as a real retailer's flagship stores
 * would load a few partitions more than the rest.
 */
public sealed interface Keys {

  /** The accepted forms, for help and errors. */
  String SYNTAX =
      "uniform, or hot:SHARE:FRACTION (e.g. hot:0.8:0.1: 80% of orders to 10% of stores)";

  /** How many stores there are. */
  int stores();

  /** The spec this was parsed from, for reports. */
  String spec();

  /** The store (0 to stores - 1) of the next order. */
  int next(RandomGenerator random);

  /** The share of orders store {@code store} receives on average. */
  double expectedShare(int store);

  /** Store ids as the services see them. */
  static String storeId(int store) {
    return "store-" + store;
  }

  /**
   * Parses {@code uniform} or {@code hot:SHARE:FRACTION} over {@code stores} stores.
   *
   * @throws IllegalArgumentException naming the part of the spec that is wrong
   */
  static Keys parse(String spec, int stores) {
    if (stores < 1) {
      throw new IllegalArgumentException("the number of stores must be >= 1, was " + stores);
    }
    String s = spec == null ? "" : spec.strip().toLowerCase(Locale.ROOT);
    if (s.equals("uniform")) {
      return new Uniform(stores);
    }
    String[] parts = s.split(":", -1);
    if (!parts[0].equals("hot")) {
      throw new IllegalArgumentException("keys '" + spec + "' is not " + SYNTAX);
    }
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "keys '" + spec + "': hot takes two numbers, SHARE and FRACTION, as in hot:0.8:0.1");
    }
    double share = fraction(spec, "SHARE (the hot stores' share of orders)", parts[1]);
    double fraction = fraction(spec, "FRACTION (the share of stores that are hot)", parts[2]);
    int hot = (int) Math.max(1, Math.round(fraction * stores));
    if (hot >= stores) {
      throw new IllegalArgumentException(
          "keys '"
              + spec
              + "': FRACTION "
              + parts[2]
              + " makes all "
              + stores
              + " stores hot; use uniform, or a smaller fraction");
    }
    return new Hot(spec.strip(), stores, hot, share);
  }

  private static double fraction(String spec, String field, String text) {
    double v;
    try {
      v = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "keys '" + spec + "': " + field + " must be a number, was '" + text + "'");
    }
    if (!(v > 0 && v < 1)) {
      throw new IllegalArgumentException(
          "keys '" + spec + "': " + field + " must be between 0 and 1 (exclusive), was " + text);
    }
    return v;
  }

  /** Every store equally likely. */
  record Uniform(int stores) implements Keys {
    @Override
    public String spec() {
      return "uniform";
    }

    @Override
    public int next(RandomGenerator random) {
      return random.nextInt(stores);
    }

    @Override
    public double expectedShare(int store) {
      return 1.0 / stores;
    }
  }

  /** Stores 0 to hot - 1 get {@code share} of the orders between them; the rest share the rest. */
  record Hot(String spec, int stores, int hot, double share) implements Keys {
    @Override
    public int next(RandomGenerator random) {
      return random.nextDouble() < share ? random.nextInt(hot) : hot + random.nextInt(stores - hot);
    }

    @Override
    public double expectedShare(int store) {
      return store < hot ? share / hot : (1 - share) / (stores - hot);
    }
  }
}
