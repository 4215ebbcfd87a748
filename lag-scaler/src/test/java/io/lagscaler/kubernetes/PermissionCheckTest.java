package io.lagscaler.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PermissionCheckTest {

  private static final String SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  private static final ObjectMapper JSON = new ObjectMapper();

  private MockCluster cluster;
  private PermissionCheck check;

  @BeforeEach
  void startMockApiServer() {
    cluster = new MockCluster();
    check = cluster.clients("lag-scaler-0").permissionCheck();
  }

  @AfterEach
  void stopMockApiServer() {
    cluster.close();
  }

  @Test
  void aMissingVerbIsReportedByName() {
    authorizeAllBut(
        a ->
            a.path("verb").asText().equals("patch")
                && a.path("resource").asText().equals("statefulsets")
                && a.path("subresource").asText().equals("scale")
                && a.path("namespace").asText().equals("payments"));

    PermissionCheck.Report report =
        check.check(PermissionCheck.required("lag-scaler", List.of("shop", "payments")));

    assertThat(report.allGranted()).isFalse();
    assertThat(report.missing())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.verdict()).isEqualTo(PermissionCheck.Verdict.DENIED);
              assertThat(f.permission())
                  .isEqualTo(new Permission("patch", "apps", "statefulsets", "scale", "payments"));
            });
    assertThat(report.message())
        .isEqualTo(
            "lag-scaler's service account lacks 1 permission:\n"
                + "  patch statefulsets/scale (apps) in namespace payments: denied (no RBAC rule)");
  }

  @Test
  void everythingGrantedLeavesNothingMissing() {
    authorizeAllBut(a -> false);

    PermissionCheck.Report report =
        check.check(PermissionCheck.required("lag-scaler", List.of("shop")));

    assertThat(report.allGranted()).isTrue();
    assertThat(report.findings()).isNotEmpty();
    assertThat(report.message()).isEmpty();
  }

  @Test
  void aReviewWithoutADecisionIsNotTakenAsAllowed() {
    // The plain CRUD store echoes the review back without a status, as no authorizer would.
    PermissionCheck.Report report =
        check.check(List.of(new Permission("get", "apps", "deployments", "scale", "shop")));

    assertThat(report.allGranted()).isFalse();
    assertThat(report.missing())
        .singleElement()
        .satisfies(f -> assertThat(f.verdict()).isEqualTo(PermissionCheck.Verdict.UNKNOWN));
    assertThat(report.message())
        .contains("get deployments/scale (apps) in namespace shop: unknown");
  }

  @Test
  void aFailedReviewIsUnknownNotAnException() {
    cluster.server.expect().post().withPath(SSAR_PATH).andReturn(403, "{}").always();

    PermissionCheck.Report report =
        check.check(List.of(new Permission("create", "events.k8s.io", "events", "", "shop")));

    assertThat(report.missing())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.verdict()).isEqualTo(PermissionCheck.Verdict.UNKNOWN);
              assertThat(f.detail()).contains("HTTP 403");
            });
  }

  @Test
  void theRequiredPermissionsAreWhatTheAdapterDoesInEachTargetNamespace() {
    List<Permission> required = PermissionCheck.required("lag-scaler", List.of("shop", "payments"));

    for (String ns : List.of("shop", "payments")) {
      assertThat(required)
          .contains(
              new Permission("get", "apps", "deployments", "scale", ns),
              new Permission("patch", "apps", "deployments", "scale", ns),
              new Permission("get", "apps", "statefulsets", "scale", ns),
              new Permission("patch", "apps", "statefulsets", "scale", ns),
              new Permission("list", "apps", "deployments", "", ns),
              new Permission("watch", "apps", "deployments", "", ns),
              new Permission("list", "apps", "statefulsets", "", ns),
              new Permission("watch", "apps", "statefulsets", "", ns),
              new Permission("patch", "apps", "deployments", "", ns),
              new Permission("list", "autoscaling", "horizontalpodautoscalers", "", ns),
              new Permission("watch", "autoscaling", "horizontalpodautoscalers", "", ns),
              new Permission("list", "keda.sh", "scaledobjects", "", ns),
              new Permission("watch", "keda.sh", "scaledobjects", "", ns),
              new Permission("create", "events.k8s.io", "events", "", ns));
      // The informers read the workloads: no get of the workload itself, and no list or watch of
      // anything but what is watched.
      assertThat(required)
          .doesNotContain(new Permission("get", "apps", "deployments", "", ns))
          .filteredOn(p -> p.namespace().equals(ns) && Set.of("list", "watch").contains(p.verb()))
          .extracting(Permission::resource)
          .containsOnly("deployments", "statefulsets", "horizontalpodautoscalers", "scaledobjects");
    }
    assertThat(required)
        .contains(
            new Permission("update", "coordination.k8s.io", "leases", "", "lag-scaler"),
            new Permission("watch", "", "configmaps", "", "lag-scaler"))
        .doesNotHaveDuplicates();
    // Replicas are written through /scale only: no update of the workload itself.
    assertThat(required.stream().map(Permission::verb).distinct())
        .containsOnlyElementsOf(Set.of("get", "list", "watch", "patch", "create", "update"));
    assertThat(required).noneMatch(p -> p.verb().equals("update") && p.group().equals("apps"));
  }

  /** A fake authorizer: answers each review from its request, allowing all but {@code denied}. */
  private void authorizeAllBut(Predicate<JsonNode> denied) {
    cluster
        .server
        .expect()
        .post()
        .withPath(SSAR_PATH)
        .andReply(
            201,
            request -> {
              try {
                ObjectNode review = (ObjectNode) JSON.readTree(request.getUtf8Body());
                boolean deny = denied.test(review.path("spec").path("resourceAttributes"));
                ObjectNode status = review.putObject("status");
                status.put("allowed", !deny);
                if (deny) {
                  status.put("reason", "no RBAC rule");
                }
                return JSON.writeValueAsString(review);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .always();
  }
}
