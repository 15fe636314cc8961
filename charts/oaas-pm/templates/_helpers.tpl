{{- define "pm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pm.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "pm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "pm.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "pm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "pm.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: oaas
{{- end -}}

{{- define "pm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: pm
{{- end -}}

{{/* The bundled etcd (storage.etcd.mode=bundled): its name and selector labels. */}}
{{- define "pm.etcdName" -}}
{{- printf "%s-etcd" (include "pm.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "pm.etcdSelectorLabels" -}}
app.kubernetes.io/name: {{ include "pm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: etcd
{{- end -}}

{{- define "pm.etcdLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "pm.etcdSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: oaas
{{- end -}}

{{- define "pm.bundledEtcd" -}}
{{- and (eq .Values.storage.type "etcd") (eq .Values.storage.etcd.mode "bundled") -}}
{{- end -}}

{{/* The etcd endpoints the PM uses: the bundled etcd's Service, or storage.etcd.endpoints. */}}
{{- define "pm.etcdEndpoints" -}}
{{- if eq (include "pm.bundledEtcd" .) "true" -}}
{{- printf "http://%s.%s.svc:2379" (include "pm.etcdName" .) .Release.Namespace -}}
{{- else -}}
{{- join "," .Values.storage.etcd.endpoints -}}
{{- end -}}
{{- end -}}

{{/* Pod placement shared by the PM and its bundled etcd. */}}
{{- define "pm.podScheduling" -}}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.image.pullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
Every CRM cluster the PM is given, `default` (crm.defaultUrl, crm.defaultTokenSecret)
first, as a YAML list of {name, url, timeoutSecs?, tokenSecret?}.
*/}}
{{- define "pm.clusters" -}}
{{- $clusters := .Values.crm.clusters -}}
{{- with .Values.crm.defaultUrl -}}
{{- $default := dict "name" "default" "url" . -}}
{{- if $.Values.crm.defaultTokenSecret.name -}}
{{- $_ := set $default "tokenSecret" $.Values.crm.defaultTokenSecret -}}
{{- end -}}
{{- $clusters = prepend $clusters $default -}}
{{- end -}}
{{- toYaml $clusters -}}
{{- end -}}

{{/* Name of the Secret holding the tokens file: auth.tokens.existingSecret, or the one this chart generates (templates/auth-secret.yaml). */}}
{{- define "pm.authSecretName" -}}
{{- default (printf "%s-auth" (include "pm.fullname" .) | trunc 63 | trimSuffix "-") .Values.auth.tokens.existingSecret -}}
{{- end -}}

{{/* The env name part of a cluster name: upper case, '-' -> '_' (prod-eu -> PROD_EU). */}}
{{- define "pm.clusterEnvName" -}}
{{- . | upper | replace "-" "_" -}}
{{- end -}}

{{- define "pm.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (eq .Values.storage.type "memory") -}}
{{- fail "replicas > 1 needs storage.type=etcd: memory storage is per process, replicas would disagree" -}}
{{- end -}}
{{- $e := .Values.storage.etcd -}}
{{- if eq .Values.storage.type "etcd" -}}
{{- if and (eq $e.mode "external") (empty $e.endpoints) -}}
{{- fail "storage.etcd.mode=external needs storage.etcd.endpoints (or storage.etcd.mode=bundled: an etcd in this release)" -}}
{{- end -}}
{{- if and (eq $e.mode "bundled") (or $e.endpoints $e.auth.existingSecret $e.tls.enabled) -}}
{{- fail "storage.etcd.endpoints, .auth and .tls configure an external etcd: set storage.etcd.mode=external (the bundled etcd has no auth or TLS)" -}}
{{- end -}}
{{- end -}}
{{- if and $e.tls.enabled (not $e.tls.existingSecret) -}}
{{- fail "storage.etcd.tls.enabled needs storage.etcd.tls.existingSecret (at least the CA)" -}}
{{- end -}}
{{- $seen := dict -}}
{{- range .Values.crm.clusters -}}
{{- $env := include "pm.clusterEnvName" .name -}}
{{- if or (hasKey $seen $env) (eq .name "default") -}}
{{- fail (printf "crm.clusters: %q is used twice (or is `default`, which crm.defaultUrl configures)" .name) -}}
{{- end -}}
{{- $_ := set $seen $env true -}}
{{- end -}}
{{- end -}}

{{- define "pm.env" -}}
{{- $v := .Values -}}
- name: SERVER_HOST
  value: "0.0.0.0"
- name: SERVER_PORT
  value: {{ $v.port | quote }}
- name: LOG_LEVEL
  value: {{ $v.logLevel | quote }}
{{- if $v.insecure }}
- name: OPRC_PM_AUTH_DISABLED
  value: "true"
{{- else }}
- name: OPRC_PM_AUTH_TOKENS_FILE
  value: /etc/oaas/auth/{{ $v.auth.tokens.key }}
{{- end }}
- name: STORAGE_TYPE
  value: {{ $v.storage.type | quote }}
{{- if eq $v.storage.type "etcd" }}
{{- $e := $v.storage.etcd }}
- name: ETCD_ENDPOINTS
  value: {{ include "pm.etcdEndpoints" . | quote }}
- name: ETCD_KEY_PREFIX
  value: {{ $e.keyPrefix | quote }}
- name: ETCD_TIMEOUT
  value: {{ $e.timeoutSecs | quote }}
{{- with $e.auth.existingSecret }}
- name: ETCD_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ . }}, key: {{ $e.auth.usernameKey }} }
- name: OPRC_PM_ETCD_PASSWORD_FILE
  value: /etc/oaas/etcd-auth/{{ $e.auth.passwordKey }}
{{- end }}
- name: ETCD_TLS_ENABLED
  value: {{ $e.tls.enabled | quote }}
{{- if $e.tls.enabled }}
- name: ETCD_CA_CERT_PATH
  value: /etc/oaas/etcd-tls/{{ $e.tls.caKey }}
- name: ETCD_CLIENT_CERT_PATH
  value: /etc/oaas/etcd-tls/{{ $e.tls.certKey }}
- name: ETCD_CLIENT_KEY_PATH
  value: /etc/oaas/etcd-tls/{{ $e.tls.keyKey }}
{{- end }}
{{- end }}
- name: CRM_DEFAULT_TIMEOUT
  value: {{ $v.crm.defaultTimeoutSecs | quote }}
- name: CRM_DEFAULT_RETRY_ATTEMPTS
  value: {{ $v.crm.defaultRetryAttempts | quote }}
- name: CRM_HEALTH_CHECK_INTERVAL
  value: {{ $v.crm.healthCheckIntervalSecs | quote }}
- name: CRM_HEALTH_CACHE_TTL
  value: {{ $v.crm.healthCacheTtlSecs | quote }}
- name: CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD
  value: {{ $v.crm.circuitBreaker.failureThreshold | quote }}
- name: CRM_CIRCUIT_BREAKER_TIMEOUT
  value: {{ $v.crm.circuitBreaker.timeoutSecs | quote }}
{{- /*
Every cluster, `default` (crm.defaultUrl) included, through OPRC_PM_CRM_CLUSTERS and
OPRC_PM_CRM_<NAME>_*: the PM reads certificate files per listed cluster only (not for
CRM_DEFAULT_URL), and refuses them on an http:// URL, so crm.clientTls goes to each https
cluster.
*/}}
{{- $clusters := include "pm.clusters" . | fromYamlArray }}
{{- with $clusters }}
- name: OPRC_PM_CRM_CLUSTERS
  value: {{ $names := list }}{{ range . }}{{ $names = append $names .name }}{{ end }}{{ join "," $names | quote }}
{{- range . }}
{{- $n := include "pm.clusterEnvName" .name }}
- name: OPRC_PM_CRM_{{ $n }}_URL
  value: {{ .url | quote }}
{{- with .timeoutSecs }}
- name: OPRC_PM_CRM_{{ $n }}_TIMEOUT
  value: {{ . | quote }}
{{- end }}
{{- if .tokenSecret }}
- name: OPRC_PM_CRM_{{ $n }}_TOKEN_FILE
  value: /etc/oaas/crm-tokens/{{ .name }}/token
{{- end }}
{{- if and $v.crm.clientTls.existingSecret (hasPrefix "https://" .url) }}
- name: OPRC_PM_CRM_{{ $n }}_CA_CERT_PATH
  value: /etc/oaas/crm-tls/{{ $v.crm.clientTls.caKey }}
- name: OPRC_PM_CRM_{{ $n }}_CLIENT_CERT_PATH
  value: /etc/oaas/crm-tls/{{ $v.crm.clientTls.certKey }}
- name: OPRC_PM_CRM_{{ $n }}_CLIENT_KEY_PATH
  value: /etc/oaas/crm-tls/{{ $v.crm.clientTls.keyKey }}
{{- end }}
{{- end }}
{{- end }}
- name: DEPLOY_MAX_RETRIES
  value: {{ $v.deploy.maxRetries | quote }}
- name: DEPLOY_ROLLBACK_ON_PARTIAL
  value: {{ $v.deploy.rollbackOnPartial | quote }}
- name: PACKAGE_DELETE_CASCADE
  value: {{ $v.packageDeleteCascade | quote }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
A ServiceMonitor endpoint's bearer credential for /metrics, which needs role `metrics` (or
above) unless the release is insecure: `authorization` of the Prometheus Operator's
monitoring.coreos.com/v1 Endpoint, reading the token from key auth.tokens.metricsKey of the
tokens Secret. Nothing when insecure. The CRM chart has the same (crm.metricsAuthorization).
*/}}
{{- define "pm.metricsAuthorization" -}}
{{- if not .Values.insecure -}}
authorization:
  type: Bearer
  credentials:
    name: {{ include "pm.authSecretName" . }}
    key: {{ .Values.auth.tokens.metricsKey }}
{{- end -}}
{{- end -}}
