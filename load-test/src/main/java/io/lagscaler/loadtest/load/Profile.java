package io.lagscaler.loadtest.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An arrival rate over time, in orders per second. The built-in shapes move between a base and a
 * peak rate over the run's duration; a CSV file replays recorded rates ({@code second,rate} per
 * line, each rate held until the next line's second).
 */
public sealed interface Profile {

  /** Names of the built-in shapes, for help and errors. */
  List<String> NAMES = List.of("constant", "step", "ramp", "spike", "sine", "diurnal", "onoff");

  /** The profile's name: a shape or the file it was read from. */
  String name();

  /** Orders per second at {@code second} from the start (never negative). */
  double rate(double second);

  /**
   * The orders due between {@code from} and {@code to} seconds: the integral of the rate, by the
   * midpoint rule in steps of at most 10 ms (exact for constant and linear pieces; a jump inside a
   * step costs at most one step's orders at the jump).
   */
  default double integral(double from, double to) {
    if (to <= from) {
      return 0;
    }
    int steps = (int) Math.ceil((to - from) / 0.01);
    double step = (to - from) / steps;
    double sum = 0;
    for (int i = 0; i < steps; i++) {
      sum += rate(from + (i + 0.5) * step);
    }
    return sum * step;
  }

  /**
   * A built-in shape over {@code durationSeconds}, or a CSV file when {@code spec} is not one.
   *
   * @throws IllegalArgumentException naming the file and line of a bad entry
   */
  static Profile of(String spec, double base, double peak, double durationSeconds) {
    return switch (spec) {
      case "constant", "step", "ramp", "spike", "sine", "diurnal", "onoff" ->
          new Shape(spec, base, peak, durationSeconds);
      default -> {
        Path file = Path.of(spec);
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException(
              "profile " + spec + " is neither one of " + NAMES + " nor a readable CSV file");
        }
        try {
          yield Replay.parse(file.toString(), Files.readAllLines(file));
        } catch (IOException e) {
          throw new UncheckedIOException("could not read profile " + file, e);
        }
      }
    };
  }

  /** A shape between {@code base} and {@code peak}, placed by fractions of the duration. */
  record Shape(String name, double base, double peak, double duration) implements Profile {
    @Override
    public double rate(double t) {
      double f = t / duration;
      return switch (name) {
        case "constant" -> peak;
        // One jump at a quarter of the run, held to the end.
        case "step" -> f < 0.25 ? base : peak;
        // Up to the peak at the middle, down again by the end.
        case "ramp" -> base + (peak - base) * (f < 0.5 ? f / 0.5 : (1 - f) / 0.5);
        // A burst from 20% to 45% of the run: time to scale up, then to scale back down.
        case "spike" -> f >= 0.2 && f < 0.45 ? peak : base;
        // One day compressed into the run: lowest at the start and end, highest at the middle.
        case "sine", "diurnal" -> base + (peak - base) * (1 - Math.cos(2 * Math.PI * f)) / 2;
        // Bursts of a tenth of the run, every fifth.
        case "onoff" -> (f * 10) % 2 < 1 ? base : peak;
        default -> throw new IllegalStateException(name);
      };
    }
  }

  /** Rates replayed from a file: each held from its second until the next entry's. */
  record Replay(String name, List<double[]> points) implements Profile {

    public Replay {
      points = List.copyOf(points);
    }

    /**
     * Parses {@code second,rate} lines; blank lines, {@code #} comments and a first header line
     * that is not numbers are skipped. Seconds start at 0 and increase.
     */
    static Replay parse(String name, List<String> lines) {
      List<double[]> points = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        int number = i + 1;
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (points.isEmpty() && !line.matches(".*\\d.*") && cells.length == 2) {
          continue; // a header such as "second,rate"
        }
        if (cells.length != 2) {
          throw bad(name, number, "expected second,rate but got '" + line + "'");
        }
        double second = number(name, number, "second", cells[0]);
        double rate = number(name, number, "rate", cells[1]);
        if (rate < 0) {
          throw bad(name, number, "rate must be >= 0, was " + cells[1].strip());
        }
        if (points.isEmpty() && second != 0) {
          throw bad(name, number, "the first second must be 0, was " + cells[0].strip());
        }
        if (!points.isEmpty() && second <= points.getLast()[0]) {
          throw bad(
              name,
              number,
              "seconds must increase, " + cells[0].strip() + " follows " + points.getLast()[0]);
        }
        points.add(new double[] {second, rate});
      }
      if (points.isEmpty()) {
        throw new IllegalArgumentException(name + ": no second,rate lines");
      }
      return new Replay(name, points);
    }

    private static double number(String name, int line, String field, String cell) {
      try {
        double v = Double.parseDouble(cell.strip());
        if (!Double.isFinite(v)) {
          throw new NumberFormatException();
        }
        return v;
      } catch (NumberFormatException e) {
        throw bad(name, line, field + " must be a number, was '" + cell.strip() + "'");
      }
    }

    private static IllegalArgumentException bad(String name, int line, String message) {
      return new IllegalArgumentException(name + " line " + line + ": " + message);
    }

    @Override
    public double rate(double t) {
      double rate = points.getFirst()[1];
      for (double[] p : points) {
        if (p[0] > t) {
          break;
        }
        rate = p[1];
      }
      return rate;
    }
  }
}
