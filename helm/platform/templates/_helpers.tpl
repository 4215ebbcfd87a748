{{/* Standard labels on every object. */}}
{{- define "platform.labels" -}}
app.kubernetes.io/name: platform
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: lag-scaler
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
lag-scaler.io/environment: {{ .Values.environment | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The namespace name of a role (kafka, redis, neo4j, monitoring, application) or an unmanaged namespace (kube-system, ...); fails on anything else. */}}
{{- define "platform.namespace" -}}
{{- if has .role .root.Values.networkPolicies.unmanagedNamespaces -}}
{{ .role }}
{{- else -}}
{{- $ns := index .root.Values.namespaces .role -}}
{{- if not $ns -}}
{{- fail (printf "namespace role %q is not declared under .Values.namespaces" .role) -}}
{{- end -}}
{{- $ns.name -}}
{{- end -}}
{{- end -}}

{{/* A port list as NetworkPolicy ports. */}}
{{- define "platform.ports" -}}
{{- range . }}
- protocol: TCP
  port: {{ . }}
{{- end }}
{{- end -}}
