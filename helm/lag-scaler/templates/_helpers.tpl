{{/* The chart name, or nameOverride: the app.kubernetes.io/name label. */}}
{{- define "lag-scaler.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Object names: fullnameOverride, else the name (one controller per namespace, so no release prefix). */}}
{{- define "lag-scaler.fullname" -}}
{{- default (include "lag-scaler.name" .) .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the pods: stable across upgrades. */}}
{{- define "lag-scaler.selectorLabels" -}}
app.kubernetes.io/name: {{ include "lag-scaler.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Standard labels on every object. */}}
{{- define "lag-scaler.labels" -}}
{{ include "lag-scaler.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: controller
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: lag-scaler
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
lag-scaler.io/environment: {{ .Values.environment | quote }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "lag-scaler.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lag-scaler.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository:tag, global values first. */}}
{{- define "lag-scaler.image" -}}
{{- $registry := .Values.global.image.registry | default .Values.image.registry -}}
{{- $tag := .Values.global.image.tag | default .Values.image.tag | default .Chart.AppVersion -}}
{{- if $registry -}}
{{- printf "%s/%s:%s" (trimSuffix "/" $registry) .Values.image.repository $tag -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The scaler config as a dict: targets without a namespace get the release namespace. */}}
{{- define "lag-scaler.config" -}}
{{- $config := deepCopy .Values.config -}}
{{- $targets := list -}}
{{- range $config.targets -}}
{{- $targets = append $targets (merge (deepCopy .) (dict "namespace" $.Release.Namespace)) -}}
{{- end -}}
{{- $_ := set $config "targets" $targets -}}
{{- if not $config.discovery -}}
{{- $_ := unset $config "discovery" -}}
{{- end -}}
{{- /* kafka (one cluster, always in the defaults) or kafkaClusters (named ones), never both. */ -}}
{{- if $config.kafkaClusters -}}
{{- $_ := unset $config "kafka" -}}
{{- else -}}
{{- $_ := unset $config "kafkaClusters" -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* The distinct namespaces of the targets and of discovery, sorted, one per line. */}}
{{- define "lag-scaler.targetNamespaces" -}}
{{- $namespaces := list -}}
{{- range .Values.config.targets -}}
{{- $namespaces = append $namespaces (.namespace | default $.Release.Namespace) -}}
{{- end -}}
{{- with .Values.config.discovery -}}
{{- range .namespaces -}}
{{- $namespaces = append $namespaces . -}}
{{- end -}}
{{- end -}}
{{- $namespaces | uniq | sortAlpha | join "\n" -}}
{{- end -}}
