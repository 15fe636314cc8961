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

{{/* The env name part of a cluster name: upper case, '-' -> '_' (prod-eu -> PROD_EU). */}}
{{- define "pm.clusterEnvName" -}}
{{- . | upper | replace "-" "_" -}}
{{- end -}}

{{- define "pm.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (eq .Values.storage.type "memory") -}}
{{- fail "replicas > 1 needs storage.type=etcd: memory storage is per process, replicas would disagree" -}}
{{- end -}}
{{- if and (eq .Values.storage.type "etcd") (empty .Values.storage.etcd.endpoints) -}}
{{- fail "storage.type=etcd needs storage.etcd.endpoints" -}}
{{- end -}}
{{- if and .Values.storage.etcd.tls.enabled (not .Values.storage.etcd.tls.existingSecret) -}}
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
- name: STORAGE_TYPE
  value: {{ $v.storage.type | quote }}
{{- if eq $v.storage.type "etcd" }}
{{- $e := $v.storage.etcd }}
- name: ETCD_ENDPOINTS
  value: {{ join "," $e.endpoints | quote }}
- name: ETCD_KEY_PREFIX
  value: {{ $e.keyPrefix | quote }}
- name: ETCD_TIMEOUT
  value: {{ $e.timeoutSecs | quote }}
{{- with $e.auth.existingSecret }}
- name: ETCD_USERNAME
  valueFrom:
    secretKeyRef: { name: {{ . }}, key: {{ $e.auth.usernameKey }} }
- name: ETCD_PASSWORD
  valueFrom:
    secretKeyRef: { name: {{ . }}, key: {{ $e.auth.passwordKey }} }
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
- name: ETCD_TLS_INSECURE
  value: {{ $e.tls.insecureSkipVerify | quote }}
{{- end }}
{{- end }}
{{- with $v.crm.defaultUrl }}
- name: CRM_DEFAULT_URL
  value: {{ . | quote }}
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
{{- with $v.crm.clusters }}
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
{{- with .tokenSecret }}
- name: OPRC_PM_CRM_{{ $n }}_TOKEN
  valueFrom:
    secretKeyRef: { name: {{ .name }}, key: {{ .key }} }
{{- end }}
{{- end }}
{{- end }}
{{- if $v.crm.clientTls.existingSecret }}
- name: OPRC_PM_CRM_TLS_CA_FILE
  value: /etc/oaas/crm-tls/{{ $v.crm.clientTls.caKey }}
- name: OPRC_PM_CRM_TLS_CERT_FILE
  value: /etc/oaas/crm-tls/{{ $v.crm.clientTls.certKey }}
- name: OPRC_PM_CRM_TLS_KEY_FILE
  value: /etc/oaas/crm-tls/{{ $v.crm.clientTls.keyKey }}
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
