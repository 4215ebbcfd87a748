{{/*
Standard labels. Call with (dict "root" $ "name" "order-intake" "component" "api").
app.kubernetes.io/name is the service's own name: helm/platform's NetworkPolicies and
helm/lag-scaler's targets know the pods by it.
*/}}
{{- define "retail.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "retail.labels" -}}
{{ include "retail.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: lag-scaler
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
lag-scaler.io/environment: {{ .root.Values.environment | quote }}
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The component of a service: api for order-intake (no store), consumer for the others. */}}
{{- define "retail.component" -}}
{{- if eq .store "none" }}api{{ else }}consumer{{ end -}}
{{- end -}}

{{/* registry/repository:tag, global values first. Call with (dict "root" $ "repository" "x"). */}}
{{- define "retail.image" -}}
{{- $v := .root.Values -}}
{{- $registry := $v.global.image.registry | default $v.image.registry -}}
{{- $tag := $v.global.image.tag | default $v.image.tag | default .root.Chart.AppVersion -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The pod-level settings every pod shares: security context, scheduling, pull secrets. */}}
{{- define "retail.podCommon" -}}
{{- $v := .root.Values -}}
automountServiceAccountToken: false
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $v.topologySpread.enabled }}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: {{ $v.topologySpread.zone }}
    labelSelector:
      matchLabels:
        {{- include "retail.selectorLabels" . | nindent 8 }}
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: {{ $v.topologySpread.node }}
    labelSelector:
      matchLabels:
        {{- include "retail.selectorLabels" . | nindent 8 }}
{{- end }}
{{- end -}}

{{/* NetworkPolicy egress to DNS, in every policy. */}}
{{- define "retail.dnsEgress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - protocol: UDP
      port: {{ .Values.networkPolicy.dnsPort }}
    - protocol: TCP
      port: {{ .Values.networkPolicy.dnsPort }}
{{- end -}}

{{/* NetworkPolicy egress to a namespace on one port. Call with (dict "namespace" "kafka" "port" 9092). */}}
{{- define "retail.egressTo" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ .namespace }}
  ports:
    - protocol: TCP
      port: {{ .port }}
{{- end -}}
