package io.lagscaler.loadtest.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the proof reads dashboards and rules: Grafana's variables and PromQL's metric names. */
class QueryParsingTest {

  @Test
  void substitutesEveryVariableSyntaxGrafanaAccepts() {
    Map<String, String> values =
        Map.of("namespace", "(a|b)", "target", "store-totals", "__rate_interval", "10s");
    assertThat(
            GrafanaDashboard.substitute(
                "rate(x{namespace=~\"$namespace\",target=\"${target}\",t=\"${target:raw}\","
                    + "u=\"[[target]]\"}[$__rate_interval])",
                values::get))
        .isEqualTo(
            "rate(x{namespace=~\"(a|b)\",target=\"store-totals\",t=\"store-totals\","
                + "u=\"store-totals\"}[10s])");
  }

  @Test
  void aRegexGroupReferenceIsNotAVariable() {
    assertThat(
            GrafanaDashboard.substitute(
                "label_replace(x{ns=~\"$ns\"}, \"r\", \"$1\", \"r\", \"(.*)\")",
                Map.of("ns", "a")::get))
        .isEqualTo("label_replace(x{ns=~\"a\"}, \"r\", \"$1\", \"r\", \"(.*)\")");
  }

  @Test
  void anUnknownVariableIsNamed() {
    assertThatThrownBy(
            () -> GrafanaDashboard.substitute("x{pod=\"$pod\"}", Map.<String, String>of()::get))
        .hasMessageContaining("unknown variable $pod");
  }

  @Test
  void multiValueSelectionsBecomeAnEscapedAlternation() {
    assertThat(GrafanaDashboard.alternation(List.of("a.b", "c"))).isEqualTo("(a\\\\.b|c)");
    assertThat(GrafanaDashboard.alternation(List.of("local"))).isEqualTo("local");
  }

  @Test
  void readsLabelValuesCalls() {
    assertThat(GrafanaDashboard.labelValuesCall("label_values(up{job=\"x\"}, namespace)"))
        .isEqualTo(Map.entry("up{job=\"x\"}", "namespace"));
    assertThat(GrafanaDashboard.labelValuesCall("label_values(namespace)"))
        .isEqualTo(Map.entry("", "namespace"));
    assertThatThrownBy(() -> GrafanaDashboard.labelValuesCall("query_result(up)"))
        .hasMessageContaining("not label_values");
  }

  @Test
  void findsTheMetricNamesOfAnExpression() {
    assertThat(
            DashboardsOnPrometheusTest.metricNames(
                "histogram_quantile(0.95, sum by (le, pod) (rate("
                    + "http_server_requests_seconds_bucket{status=~\"5..\"}[5m])))"
                    + " > 0.5 and on (pod) up offset 5m"))
        .containsExactly("http_server_requests_seconds_bucket", "up");
    assertThat(
            DashboardsOnPrometheusTest.metricNames(
                "sum(rate(a_total[1h])) / sum(rate(b_total[1h])) > (14.4 * 0.01)"))
        .containsExactly("a_total", "b_total");
    assertThat(
            DashboardsOnPrometheusTest.metricNames(
                "label_replace(max_over_time(lagscaler_x{a=\"b\"}[10m]), \"t\", \"$1\", \"x\","
                    + " \"(.*)\") unless absent(y)"))
        .containsExactly("lagscaler_x", "y");
  }
}
