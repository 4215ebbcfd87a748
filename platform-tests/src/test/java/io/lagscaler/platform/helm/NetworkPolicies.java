package io.lagscaler.platform.helm;

import java.util.List;
import java.util.Map;

/**
 * Evaluates rendered NetworkPolicies the way a conforming network plugin does, for the selectors
 * the charts use (matchLabels, namespace name labels, ipBlock): a connection is allowed when the
 * source's egress and the destination's ingress both allow it; a pod no policy selects for a
 * direction is open in that direction.
 */
public final class NetworkPolicies {

  /** A pod: its namespace and labels. */
  public record Pod(String namespace, Map<String, String> labels) {}

  private final List<Map<String, Object>> policies;

  public NetworkPolicies(List<Map<String, Object>> manifests) {
    this.policies = manifests.stream().filter(m -> "NetworkPolicy".equals(m.get("kind"))).toList();
  }

  public List<Map<String, Object>> in(String namespace) {
    return policies.stream().filter(p -> namespace.equals(namespaceOf(p))).toList();
  }

  /**
   * Whether {@code from} may open a TCP (or the given protocol) connection to {@code to} on port.
   */
  public boolean allows(Pod from, Pod to, int port, String protocol) {
    return direction(from, "Egress", "egress", "to", to, port, protocol)
        && direction(to, "Ingress", "ingress", "from", from, port, protocol);
  }

  public boolean allows(Pod from, Pod to, int port) {
    return allows(from, to, port, "TCP");
  }

  /** Whether {@code from} may reach an address outside the cluster (ipBlock) on port. */
  public boolean allowsEgressToAddress(Pod from, String address, int port) {
    List<Map<String, Object>> selecting = selecting(from, "Egress");
    if (selecting.isEmpty()) {
      return true;
    }
    for (Map<String, Object> policy : selecting) {
      for (Map<String, Object> rule : list(spec(policy).get("egress"))) {
        if (ports(rule, port, "TCP")
            && list(rule.get("to")).stream()
                .anyMatch(
                    peer ->
                        peer.get("ipBlock") instanceof Map<?, ?> block
                            && inCidr(address, String.valueOf(block.get("cidr"))))) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean direction(
      Pod subject, String type, String rules, String peers, Pod other, int port, String protocol) {
    List<Map<String, Object>> selecting = selecting(subject, type);
    if (selecting.isEmpty()) {
      return true;
    }
    for (Map<String, Object> policy : selecting) {
      for (Map<String, Object> rule : list(spec(policy).get(rules))) {
        if (ports(rule, port, protocol) && peers(rule.get(peers), subject, other)) {
          return true;
        }
      }
    }
    return false;
  }

  private List<Map<String, Object>> selecting(Pod pod, String type) {
    return in(pod.namespace()).stream()
        .filter(p -> String.valueOf(spec(p).get("policyTypes")).contains(type))
        .filter(p -> matches(spec(p).get("podSelector"), pod.labels()))
        .toList();
  }

  private static boolean peers(Object peers, Pod subject, Pod other) {
    if (peers == null) {
      return true; // a rule without peers allows every peer
    }
    for (Map<String, Object> peer : list(peers)) {
      if (peer.containsKey("ipBlock")) {
        continue;
      }
      Object namespaceSelector = peer.get("namespaceSelector");
      boolean namespaceMatches =
          namespaceSelector == null
              ? other.namespace().equals(subject.namespace())
              : matches(
                  namespaceSelector, Map.of("kubernetes.io/metadata.name", other.namespace()));
      Object podSelector = peer.get("podSelector");
      if (namespaceMatches && (podSelector == null || matches(podSelector, other.labels()))) {
        return true;
      }
    }
    return false;
  }

  private static boolean ports(Map<String, Object> rule, int port, String protocol) {
    Object ports = rule.get("ports");
    if (ports == null) {
      return true;
    }
    return list(ports).stream()
        .anyMatch(
            p ->
                String.valueOf(p.get("port")).equals(String.valueOf(port))
                    && String.valueOf(p.getOrDefault("protocol", "TCP")).equals(protocol));
  }

  private static boolean matches(Object selector, Map<String, String> labels) {
    if (!(selector instanceof Map<?, ?> map)) {
      return false;
    }
    if (map.containsKey("matchExpressions")) {
      throw new IllegalArgumentException("matchExpressions are not modelled: " + selector);
    }
    Object matchLabels = map.get("matchLabels");
    if (matchLabels == null) {
      return true;
    }
    return ((Map<?, ?>) matchLabels)
        .entrySet().stream()
            .allMatch(
                e -> String.valueOf(e.getValue()).equals(labels.get(String.valueOf(e.getKey()))));
  }

  static boolean inCidr(String address, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    return (ip(address) & mask) == (ip(parts[0]) & mask);
  }

  private static long ip(String address) {
    long value = 0;
    for (String octet : address.split("\\.")) {
      value = (value << 8) | Integer.parseInt(octet);
    }
    return value;
  }

  static String namespaceOf(Map<String, Object> manifest) {
    return String.valueOf(((Map<?, ?>) manifest.get("metadata")).get("namespace"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(Map<String, Object> policy) {
    return (Map<String, Object>) policy.get("spec");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }
}
