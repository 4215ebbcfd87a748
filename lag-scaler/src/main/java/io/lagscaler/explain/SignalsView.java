package io.lagscaler.explain;

import io.lagscaler.observe.Offset;
import io.lagscaler.signals.GroupSignals;
import io.lagscaler.signals.PartitionLag;
import io.lagscaler.signals.PartitionSignals;
import io.lagscaler.signals.TimeLag;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/** Renders signals for people (a table) and for tools (JSON-ready maps); unknown shows as such. */
public final class SignalsView {

  private SignalsView() {}

  /** A fixed-width table: one row per group, and per partition when asked. */
  public static String table(Collection<GroupSignals> groups, boolean partitions) {
    List<String[]> rows = new ArrayList<>();
    rows.add(
        new String[] {
          "GROUP",
          "STATE",
          "MEMBERS",
          "PROTOCOL",
          "PARTITIONS",
          "LAG",
          "TIME-LAG",
          "IN/S",
          "OUT/S",
          "STATUS"
        });
    for (GroupSignals g : groups) {
      switch (g) {
        case GroupSignals.Unavailable u ->
            rows.add(
                new String[] {
                  u.group(), "UNAVAILABLE", "-", "-", "-", "?", "?", "?", "?", u.error()
                });
        case GroupSignals.Observed o ->
            rows.add(
                new String[] {
                  o.group(),
                  o.state().name(),
                  Integer.toString(o.members()),
                  o.protocol().name(),
                  Integer.toString(o.partitionCount()),
                  count(o.totalLag()) + (o.unknownLagPartitions() > 0 ? "+?" : ""),
                  seconds(o.maxTimeLag()),
                  rate(o.productionRate()),
                  rate(o.consumptionRate()),
                  o.worstStatus().name()
                });
      }
    }
    StringBuilder out = new StringBuilder(render(rows));
    if (partitions) {
      for (GroupSignals g : groups) {
        if (g instanceof GroupSignals.Observed o && !o.partitions().isEmpty()) {
          List<String[]> prows = new ArrayList<>();
          prows.add(
              new String[] {
                "TOPIC",
                "PARTITION",
                "COMMITTED",
                "LOG-END",
                "LOG-START",
                "LAG",
                "TIME-LAG",
                "IN/S",
                "OUT/S",
                "STATUS"
              });
          for (PartitionSignals p : o.partitions()) {
            prows.add(
                new String[] {
                  p.partition().topic(),
                  Integer.toString(p.partition().partition()),
                  offset(p.committed()),
                  offset(p.logEnd()),
                  offset(p.logStart()),
                  lag(p.lag()),
                  seconds(p.timeLag()),
                  rate(p.productionRate()),
                  rate(p.consumptionRate()),
                  p.status().name()
                });
          }
          out.append('\n').append("group ").append(o.group()).append('\n').append(render(prows));
        }
      }
    }
    return out.toString();
  }

  /** Plain maps and lists, ready for a JSON mapper; unknown values are null with a reason. */
  public static List<Map<String, Object>> json(
      Collection<GroupSignals> groups, boolean partitions) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (GroupSignals g : groups) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("group", g.group());
      m.put("at", g.at().toString());
      switch (g) {
        case GroupSignals.Unavailable u -> {
          m.put("available", false);
          m.put("error", u.error());
        }
        case GroupSignals.Observed o -> {
          m.put("available", true);
          m.put("state", o.state().name());
          m.put("members", o.members());
          m.put("protocol", o.protocol().name());
          m.put("partitions", o.partitionCount());
          m.put("totalLag", o.totalLag());
          m.put("unknownLagPartitions", o.unknownLagPartitions());
          putTimeLag(m, "maxTimeLagSeconds", o.maxTimeLag());
          m.put("productionRate", orNull(o.productionRate()));
          m.put("consumptionRate", orNull(o.consumptionRate()));
          m.put("worstStatus", o.worstStatus().name());
          Map<String, Integer> counts = new LinkedHashMap<>();
          o.statusCounts().entrySet().stream()
              .sorted(Map.Entry.comparingByKey())
              .forEach(e -> counts.put(e.getKey().name(), e.getValue()));
          m.put("statusCounts", counts);
          m.put("retentionTruncatedPartitions", o.retentionTruncatedPartitions());
          m.put("noCommitPartitions", o.noCommitPartitions());
          if (partitions) {
            List<Map<String, Object>> ps = new ArrayList<>();
            for (PartitionSignals p : o.partitions()) {
              Map<String, Object> pm = new LinkedHashMap<>();
              pm.put("topic", p.partition().topic());
              pm.put("partition", p.partition().partition());
              pm.put("committed", offsetOrNull(p.committed()));
              pm.put("logEnd", offsetOrNull(p.logEnd()));
              pm.put("logStart", offsetOrNull(p.logStart()));
              switch (p.lag()) {
                case PartitionLag.Known(long messages, PartitionLag.LagBasis basis) -> {
                  pm.put("lag", messages);
                  pm.put("lagBasis", basis.name());
                }
                case PartitionLag.Unknown(String reason) -> {
                  pm.put("lag", null);
                  pm.put("lagUnknownReason", reason);
                }
              }
              putTimeLag(pm, "timeLagSeconds", p.timeLag());
              pm.put("productionRate", orNull(p.productionRate()));
              pm.put("consumptionRate", orNull(p.consumptionRate()));
              pm.put("status", p.status().name());
              ps.add(pm);
            }
            m.put("partitionDetails", ps);
          }
        }
      }
      out.add(m);
    }
    return out;
  }

  private static void putTimeLag(Map<String, Object> m, String key, TimeLag lag) {
    switch (lag) {
      case TimeLag.Known(double seconds, TimeLag.TimeLagBasis basis) -> {
        m.put(key, Math.round(seconds * 1000) / 1000.0);
        m.put(key.replace("Seconds", "Basis"), basis.name());
      }
      case TimeLag.Unknown(String reason) -> {
        m.put(key, null);
        m.put(key.replace("Seconds", "UnknownReason"), reason);
      }
    }
  }

  private static Object orNull(OptionalDouble d) {
    return d.isPresent() ? Math.round(d.getAsDouble() * 1000) / 1000.0 : null;
  }

  private static Object offsetOrNull(Offset o) {
    return o instanceof Offset.Known(long value) ? value : null;
  }

  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  static String seconds(TimeLag lag) {
    return switch (lag) {
      case TimeLag.Known(double s, TimeLag.TimeLagBasis basis) ->
          String.format(
              Locale.ROOT, basis == TimeLag.TimeLagBasis.LOWER_BOUND ? ">=%.1fs" : "%.1fs", s);
      case TimeLag.Unknown u -> "?";
    };
  }

  static String rate(OptionalDouble rate) {
    return rate.isPresent() ? String.format(Locale.ROOT, "%,.1f", rate.getAsDouble()) : "?";
  }

  private static String lag(PartitionLag lag) {
    return switch (lag) {
      case PartitionLag.Known(long messages, PartitionLag.LagBasis basis) ->
          count(messages)
              + switch (basis) {
                case COMMITTED -> "";
                case RETENTION_TRUNCATED -> " (truncated)";
                case NO_COMMIT_EARLIEST, NO_COMMIT_LATEST -> " (no commit)";
              };
      case PartitionLag.Unknown u -> "?";
    };
  }

  private static String offset(Offset o) {
    return switch (o) {
      case Offset.Known(long value) -> count(value);
      case Offset.NoCommit n -> "-";
      case Offset.Unknown u -> "?";
    };
  }

  private static String render(List<String[]> rows) {
    int[] widths = new int[rows.getFirst().length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + widths[i] + "s", row[i]));
        if (i < row.length - 1) {
          line.append("  ");
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
