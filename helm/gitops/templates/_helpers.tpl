{{/* Standard labels on every object. */}}
{{- define "gitops.labels" -}}
app.kubernetes.io/name: gitops
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

{{/*
One child Application. Arguments (a dict): root, name, wave, namespace, and either chart (a key
of .Values.charts: a third-party chart with helm/platform/third-party/NAME.yaml and the
environment's overlay) or path (a chart of this repository with its values-ENV.yaml);
parameters (name to value), syncOptions (extra).
*/}}
{{- define "gitops.application" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {{ .name }}
  namespace: {{ $v.argocd.namespace }}
  labels:
    {{- include "gitops.labels" $root | nindent 4 }}
  annotations:
    argocd.argoproj.io/sync-wave: {{ .wave | quote }}
  # Deleting the Application deletes what it installed.
  finalizers:
    - resources-finalizer.argocd.argoproj.io
spec:
  project: {{ $v.argocd.project }}
  destination:
    server: https://kubernetes.default.svc
    namespace: {{ .namespace }}
  sources:
    {{- if .chart }}
    {{- $c := index $v.charts .chart }}
    - repoURL: {{ $c.repo }}
      chart: {{ $c.chart }}
      targetRevision: {{ $c.version | quote }}
      helm:
        releaseName: {{ .release | default .chart }}
        valueFiles:
          - $values/helm/platform/third-party/{{ .chart }}.yaml
          - $values/helm/platform/third-party/{{ $v.environment }}/{{ .chart }}.yaml
        # Not every chart has an overlay for every environment.
        ignoreMissingValueFiles: true
        {{- with .parameters }}
        parameters:
          {{- range $name, $value := . }}
          - { name: {{ $name | squote }}, value: {{ $value | toString | quote }} }
          {{- end }}
        {{- end }}
    - repoURL: {{ $v.repoURL }}
      targetRevision: {{ $v.revision }}
      ref: values
    {{- else }}
    - repoURL: {{ $v.repoURL }}
      targetRevision: {{ $v.revision }}
      path: {{ .path }}
      helm:
        releaseName: {{ .release | default .name }}
        valueFiles:
          - values-{{ $v.environment }}.yaml
        {{- with .parameters }}
        parameters:
          {{- range $name, $value := . }}
          - { name: {{ $name | squote }}, value: {{ $value | toString | quote }} }
          {{- end }}
        {{- end }}
    {{- end }}
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
      {{- range .syncOptions }}
      - {{ . }}
      {{- end }}
    retry:
      {{- toYaml $v.argocd.retry | nindent 6 }}
{{- end -}}
