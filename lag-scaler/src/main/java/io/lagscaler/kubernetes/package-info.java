/**
 * The Kubernetes adapter: the only package that imports fabric8 (an ArchUnit rule keeps it so).
 * Everything else holds a {@link io.lagscaler.kubernetes.KubernetesClients} and the adapters it
 * creates, whose signatures use lag-scaler's own types only.
 *
 * <pre>{@code
 * try (KubernetesClients k8s = KubernetesClients.create(kubeconfig)) {   // in-cluster or file
 *   PermissionCheck.Report report = k8s.permissionCheck()
 *       .check(PermissionCheck.required(k8s.namespace(), targetNamespaces));
 *   if (!report.allGranted()) log.error(report.message());               // names each verb
 *   LeaderElection election = k8s.leaderElection(
 *       LeaderElection.Settings.defaults(k8s.namespace(), "lag-scaler-leader", k8s.identity()),
 *       new LeaderElection.Listener() {
 *         public void onStopLeading() { exit(); }                         // never two leaders
 *       });
 *   election.start();
 *   Scaler scaler = k8s.scaler();
 *   scaler.follow(targetNamespaces);                                   // informers: list + watch
 *   KubernetesDecisionRecorder recorder = k8s.recorder(Clock.systemUTC());
 *   ConfigMapWatch config = k8s.watchConfigMap(k8s.namespace(), "lag-scaler", "config.yaml", onYaml);
 *   config.start();
 *   // per poll and target: scaler.read(ref) (the cache); if (election.isLeader()) scaler.scale(ref, n); ...
 * }
 * }</pre>
 *
 * <p>RBAC, exactly what these classes do (see {@link
 * io.lagscaler.kubernetes.PermissionCheck#required}): in each target namespace {@code list, watch}
 * on {@code deployments}, {@code statefulsets} (apps), {@code horizontalpodautoscalers}
 * (autoscaling) and {@code scaledobjects} (keda.sh), the shared informers a poll reads instead of
 * the API server; {@code get, patch} on {@code deployments/scale} and {@code statefulsets/scale}
 * (the get only after a conflicting write); {@code patch} on {@code deployments} and {@code
 * statefulsets} (only the {@code lagscaler.io/last-decision} annotation); {@code create} on {@code
 * events} (events.k8s.io). In lag-scaler's own namespace: {@code get, create, update} on {@code
 * leases} (coordination.k8s.io), {@code get, list, watch} on {@code configmaps}, {@code create} on
 * {@code events} (events.k8s.io). Nothing else: replicas are never written except through {@code
 * /scale}, and no strategic-merge patch or server-side apply is used.
 */
package io.lagscaler.kubernetes;
