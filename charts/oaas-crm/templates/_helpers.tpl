{{/* Names: every object name of the chart comes from here. */}}
{{- define "crm.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "crm.fullname" -}}
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

{{/* Object name of one component: <fullname>-<component>, 63 characters at most. */}}
{{- define "crm.componentName" -}}
{{- printf "%s-%s" (include "crm.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "crm.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "crm.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Every CRM role, each with its calls in files/roles/<role>.yaml; `crm all` runs them all. */}}
{{- define "crm.allRoles" -}}
{{- toYaml (list "ingress" "watcher" "reconciler" "analyzer" "enforcer" "dashboard") -}}
{{- end -}}

{{/*
Roles that run under a ServiceAccount of their own (templates/rbac-roles.yaml), as a YAML
list: in mode=roles, every role the chart runs, when the chart creates ServiceAccounts.
mode=all, or serviceAccount.create=false, uses the one shared ServiceAccount (rbac.yaml).
*/}}
{{- define "crm.ownAccountRoles" -}}
{{- $roles := list -}}
{{- if and (eq .Values.mode "roles") .Values.serviceAccount.create -}}
{{- range $c := include "crm.components" . | fromYamlArray -}}
{{- $roles = append $roles $c.role -}}
{{- end -}}
{{- end -}}
{{- toYaml $roles -}}
{{- end -}}

{{/* ServiceAccount of one component's pods (root, role): its own (crm.ownAccountRoles) or the shared one. */}}
{{- define "crm.componentServiceAccount" -}}
{{- if has .role (include "crm.ownAccountRoles" .root | fromYamlArray) -}}
{{- include "crm.componentName" (dict "root" .root "component" .role) -}}
{{- else -}}
{{- include "crm.serviceAccountName" .root -}}
{{- end -}}
{{- end -}}

{{/*
RBAC rules of some roles (root, roles: names), from files/roles/<role>.yaml, as YAML
{namespaced, own, cluster}: namespaced rules (a Role, or a ClusterRole bound cluster-wide
with rbac.clusterWide), own-namespace rules (always a Role: the Lease), cluster rules.
Calls whose `when` is off (rbac.knative, rbac.prometheusOperator) are left out.
*/}}
{{- define "crm.rbacRules" -}}
{{- $v := .root.Values -}}
{{- $enabled := dict "always" true "knative" $v.rbac.knative "prometheusOperator" $v.rbac.prometheusOperator -}}
{{- $out := dict "namespaced" list "own" list "cluster" list -}}
{{- range $role := .roles -}}
{{- $file := printf "files/roles/%s.yaml" $role -}}
{{- $calls := $.root.Files.Get $file | fromYamlArray -}}
{{- if not $calls -}}{{- fail (printf "%s: missing or empty" $file) -}}{{- end -}}
{{- range $call := $calls -}}
{{- if not (hasKey $enabled $call.when) -}}{{- fail (printf "%s: unknown when %q" $file $call.when) -}}{{- end -}}
{{- if index $enabled $call.when -}}
{{- $rule := dict "apiGroups" (list $call.group) "resources" $call.resources "verbs" $call.verbs -}}
{{- $key := get (dict "namespace" "namespaced" "ownNamespace" "own" "cluster" "cluster") $call.scope -}}
{{- if not $key -}}{{- fail (printf "%s: unknown scope %q" $file $call.scope) -}}{{- end -}}
{{- $_ := set $out $key (append (get $out $key) $rule) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
RBAC objects for one ServiceAccount (root, name, component: label or "", roles: names).
Without rbac.clusterWide: a Role with the namespaced rules in every served namespace
(auth.allowedNamespaces, default the release namespace; the watcher watches each), the
own-namespace rules (the Lease) added to the release namespace's Role (a Role of its own
when the release namespace is not served), and a ClusterRole for the cluster rules. With
rbac.clusterWide the namespaced rules join the ClusterRole, bound cluster-wide. Each with
its binding to the ServiceAccount; an object with no rules is left out. A Role outside the
release namespace is named <release namespace>-<name>, so two releases never collide.
*/}}
{{- define "crm.rbacObjects" -}}
{{- $root := .root -}}
{{- $rules := include "crm.rbacRules" (dict "root" $root "roles" .roles) | fromYaml -}}
{{- $wide := $root.Values.rbac.clusterWide -}}
{{- $release := $root.Release.Namespace -}}
{{- $served := ternary list (default (list $release) $root.Values.auth.allowedNamespaces) $wide -}}
{{- $objects := list -}}
{{- if not (has $release $served) -}}
{{- $objects = append $objects (dict "kind" "Role" "namespace" $release "name" $.name "rules" $rules.own) -}}
{{- end -}}
{{- range $ns := $served -}}
{{- $own := ternary $rules.own list (eq $ns $release) -}}
{{- $name := ternary $.name (printf "%s-%s" $release $.name | trunc 63 | trimSuffix "-") (eq $ns $release) -}}
{{- $objects = append $objects (dict "kind" "Role" "namespace" $ns "name" $name "rules" (concat $rules.namespaced $own)) -}}
{{- end -}}
{{- $clusterName := printf "%s-%s" $release .name | trunc 63 | trimSuffix "-" -}}
{{- $clusterRules := concat $rules.cluster (ternary $rules.namespaced list $wide) -}}
{{- $objects = append $objects (dict "kind" "ClusterRole" "namespace" "" "name" $clusterName "rules" $clusterRules) -}}
{{- range $o := $objects }}
{{- if $o.rules }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: {{ $o.kind }}
metadata:
  name: {{ $o.name }}
  {{- with $o.namespace }}
  namespace: {{ . }}
  {{- end }}
  labels:
    {{- include "crm.labels" $root | nindent 4 }}
    {{- with $.component }}
    app.kubernetes.io/component: {{ . }}
    {{- end }}
rules:
  {{- toYaml $o.rules | nindent 2 }}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: {{ $o.kind }}Binding
metadata:
  name: {{ $o.name }}
  {{- with $o.namespace }}
  namespace: {{ . }}
  {{- end }}
  labels:
    {{- include "crm.labels" $root | nindent 4 }}
    {{- with $.component }}
    app.kubernetes.io/component: {{ . }}
    {{- end }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: {{ $o.kind }}
  name: {{ $o.name }}
subjects:
  - kind: ServiceAccount
    name: {{ $.name }}
    namespace: {{ $release }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "crm.redisName" -}}
{{- include "crm.componentName" (dict "root" . "component" "redis") -}}
{{- end -}}

{{- define "crm.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "crm.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: oaas
{{- end -}}

{{/* Selector labels of one component (root, component). */}}
{{- define "crm.selectorLabels" -}}
app.kubernetes.io/name: {{ include "crm.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "crm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Effective feature flag (root, feature): features.<feature> when set, else the profile default from files/profile-features.yaml. */}}
{{- define "crm.featureOn" -}}
{{- $set := index .root.Values.features .feature -}}
{{- if kindIs "bool" $set -}}
{{- $set -}}
{{- else -}}
{{- $profiles := index (.root.Files.Get "files/profile-features.yaml" | fromYaml) .feature -}}
{{- has .root.Values.profile $profiles -}}
{{- end -}}
{{- end -}}

{{/* Fails rendering on combinations the schema cannot express. */}}
{{- define "crm.validate" -}}
{{- if and (eq (include "crm.featureOn" (dict "root" . "feature" "knative")) "true") (not .Values.rbac.knative) -}}
{{- fail "Knative is on (features.knative or the full profile): set rbac.knative=true, or features.knative=false" -}}
{{- end -}}
{{- if and (eq (include "crm.featureOn" (dict "root" . "feature" "prometheus")) "true") (not .Values.prometheus.url) -}}
{{- fail "Prometheus analysis is on (features.prometheus or the full profile): set prometheus.url, or features.prometheus=false" -}}
{{- end -}}
{{- if and .Values.auth.mtlsClients.existingSecret (not .Values.mtls.enabled) -}}
{{- fail "auth.mtlsClients.existingSecret lists client certificates: set mtls.enabled=true (and mtls.secretName)" -}}
{{- end -}}
{{- if and .Values.mtls.enabled (not .Values.mtls.secretName) -}}
{{- fail "mtls.enabled needs mtls.secretName (a Secret with the certificate, key and client CA)" -}}
{{- end -}}
{{- if eq .Values.redis.mode "external" -}}
{{- if not (or .Values.redis.external.url .Values.redis.external.urlSecret.name) -}}
{{- fail "redis.mode=external needs redis.external.url or redis.external.urlSecret.name" -}}
{{- end -}}
{{- /* Mirrors @oaas/config's hasHashTag (the CRM refuses the same at startup, also for a urlSecret). */ -}}
{{- if and (regexMatch "^rediss?\\+cluster://" .Values.redis.external.url) (not (regexMatch "^[^{]*\\{[^}]+\\}" .Values.redis.queuePrefix)) -}}
{{- fail "a redis+cluster:// redis.external.url needs a redis.queuePrefix with a hash tag (e.g. {oaas}) so each queue's keys share one hash slot" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Env of every CRM container (root, dashboard: whether this container runs the dashboard,
tls: whether it serves the mTLS listener).
*/}}
{{- define "crm.env" -}}
{{- $v := .root.Values -}}
- name: OPRC_CRM_PROFILE
  value: {{ $v.profile | quote }}
- name: OPRC_CRM_K8S_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: OPRC_CRM_HTTP_PORT
  value: {{ $v.port | quote }}
{{- with $v.logLevel }}
- name: OPRC_CRM_LOG
  value: {{ . | quote }}
{{- end }}
{{- $flags := dict "nfrEnforcement" "NFR_ENFORCEMENT" "hpa" "HPA" "knative" "KNATIVE" "prometheus" "PROMETHEUS" "leaderElection" "LEADER_ELECTION" "odgm" "ODGM" }}
{{- range $key := keys $flags | sortAlpha }}
{{- if hasKey $v.features $key }}
- name: OPRC_CRM_FEATURES_{{ index $flags $key }}
  value: {{ index $v.features $key | quote }}
{{- end }}
{{- end }}
- name: OPRC_CRM_SECURITY_MTLS
  value: {{ $v.mtls.enabled | quote }}
{{- if $v.mtls.enabled }}
- name: OPRC_CRM_TLS_CERT_FILE
  value: /etc/oaas/tls/{{ $v.mtls.certKey }}
- name: OPRC_CRM_TLS_KEY_FILE
  value: /etc/oaas/tls/{{ $v.mtls.keyKey }}
- name: OPRC_CRM_TLS_CA_FILE
  value: /etc/oaas/tls/{{ $v.mtls.caKey }}
{{- end }}
{{- if $v.insecure }}
- name: OPRC_CRM_AUTH_DISABLED
  value: "true"
{{- else }}
- name: OPRC_CRM_AUTH_TOKENS_FILE
  value: /etc/oaas/auth/{{ $v.auth.tokens.key }}
{{- if and .tls $v.auth.mtlsClients.existingSecret }}
- name: OPRC_CRM_AUTH_MTLS_CLIENTS_FILE
  value: /etc/oaas/auth-mtls/{{ $v.auth.mtlsClients.key }}
{{- end }}
{{- end }}
- name: OPRC_CRM_ALLOWED_NAMESPACES
  value: {{ join "," (default (list .root.Release.Namespace) $v.auth.allowedNamespaces) | quote }}
{{- with $v.prometheus.url }}
- name: OPRC_CRM_PROM_URL
  value: {{ . | quote }}
{{- end }}
{{- with $v.prometheus.matchLabels }}
- name: OPRC_CRM_PROM_MATCH_LABELS
  value: {{ $pairs := list }}{{ range $k, $val := . }}{{ $pairs = append $pairs (printf "%s=%s" $k $val) }}{{ end }}{{ join "," $pairs | quote }}
{{- end }}
{{- $prom := dict "scrapeKind" "SCRAPE_KIND" "queryTimeoutSecs" "QUERY_TIMEOUT_SECS" "range" "RANGE" "step" "STEP" "rateWindow" "RATE_WINDOW" "scrapeInterval" "SCRAPE_INTERVAL" }}
{{- range $key := keys $prom | sortAlpha }}
{{- if hasKey $v.prometheus $key }}
- name: OPRC_CRM_PROM_{{ index $prom $key }}
  value: {{ index $v.prometheus $key | toString | quote }}
{{- end }}
{{- end }}
{{- $tuning := dict "analyzerIntervalSecs" "ANALYZER_INTERVAL_SECS" "enforcementStabilitySecs" "ENFORCEMENT_STABILITY_SECS" "enforcementCooldownSecs" "ENFORCEMENT_COOLDOWN_SECS" "enforcementMaxReplicaDelta" "ENFORCEMENT_MAX_REPLICA_DELTA" "enforcementMinConfidence" "ENFORCEMENT_MIN_CONFIDENCE" "maxReplicas" "LIMITS_MAX_REPLICAS" "reqCpuPerPodMillicores" "REQ_CPU_PER_POD_M" "odgmImage" "ODGM_IMAGE" "availabilityOverride" "ENV_AVAILABILITY_OVERRIDE" "reconcileConcurrency" "RECONCILE_CONCURRENCY" "kubeMaxInFlight" "KUBE_MAX_IN_FLIGHT" "reconcileMaxAttempts" "RECONCILE_MAX_ATTEMPTS" "recordRatePerSec" "RECORD_RATE_PER_SEC" "recordBurst" "RECORD_BURST" "resyncSecs" "RESYNC_SECS" "childSettleMs" "CHILD_SETTLE_MS" "leaseName" "LEASE_NAME" "leaseDurationSecs" "LEASE_DURATION_SECS" "leaseRenewDeadlineSecs" "LEASE_RENEW_DEADLINE_SECS" "leaseRetryPeriodSecs" "LEASE_RETRY_PERIOD_SECS" }}
{{- range $key := keys $tuning | sortAlpha }}
{{- if hasKey $v.tuning $key }}
- name: OPRC_CRM_{{ index $tuning $key }}
  value: {{ index $v.tuning $key | toString | quote }}
{{- end }}
{{- end }}
- name: OPRC_CRM_QUEUE_PREFIX
  value: {{ $v.redis.queuePrefix | quote }}
{{- if eq $v.redis.mode "bundled" }}
- name: OPRC_CRM_REDIS_URL
  value: {{ printf "redis://%s:6379" (include "crm.redisName" .root) | quote }}
{{- else if $v.redis.external.urlSecret.name }}
- name: OPRC_CRM_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.external.urlSecret.name }}
      key: {{ $v.redis.external.urlSecret.key }}
{{- else }}
- name: OPRC_CRM_REDIS_URL
  value: {{ $v.redis.external.url | quote }}
{{- end }}
{{- if include "crm.redisPasswordFile" .root }}
- name: OPRC_CRM_REDIS_PASSWORD_FILE
  value: {{ include "crm.redisPasswordFile" .root | quote }}
{{- end }}
{{- if .dashboard }}
- name: OPRC_CRM_DASHBOARD_PORT
  value: {{ $v.dashboard.port | quote }}
- name: OPRC_CRM_DASHBOARD_BASE_PATH
  value: {{ $v.dashboard.basePath | quote }}
- name: OPRC_CRM_DASHBOARD_READONLY
  value: {{ $v.dashboard.readOnly | quote }}
- name: OPRC_CRM_DASHBOARD_AUTH_FILE
  value: /etc/oaas/dashboard/{{ $v.dashboard.auth.key }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Pod and container security: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp. */}}
{{- define "crm.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "crm.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "crm.podScheduling" -}}
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

{{/* Name of the Secret holding the tokens file: auth.tokens.existingSecret, or the one this chart generates (templates/auth-secret.yaml). */}}
{{- define "crm.authSecretName" -}}
{{- default (include "crm.componentName" (dict "root" . "component" "auth")) .Values.auth.tokens.existingSecret -}}
{{- end -}}

{{/* Name of the Secret holding the dashboard's credentials file: dashboard.auth.existingSecret, or the one this chart generates (templates/dashboard-secret.yaml). */}}
{{- define "crm.dashboardSecretName" -}}
{{- default (include "crm.componentName" (dict "root" . "component" "dashboard")) .Values.dashboard.auth.existingSecret -}}
{{- end -}}

{{/*
Spreads the pods of one role over nodes (argument: the role's selector labels), for roles
with two or more replicas: ScheduleAnyway, so a cluster with fewer nodes still runs every
replica. pod-template-hash: only the pods of the same rollout count, so a rolling update
does not skew against the pods it is replacing.
*/}}
{{- define "crm.topologySpread" -}}
topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: kubernetes.io/hostname
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- . | nindent 8 }}
    matchLabelKeys: [pod-template-hash]
{{- end -}}

{{/* The bundled Redis' generated password Secret (templates/redis.yaml). */}}
{{- define "crm.redisSecretName" -}}
{{- include "crm.componentName" (dict "root" . "component" "redis-auth") -}}
{{- end -}}

{{/*
The Secret key holding the Redis password the CRM reads as a file, as YAML {name, key}:
the bundled Redis' generated Secret, or redis.external.passwordSecret; empty without one.
*/}}
{{- define "crm.redisPasswordSecret" -}}
{{- if eq .Values.redis.mode "bundled" -}}
{{- toYaml (dict "name" (include "crm.redisSecretName" .) "key" "password") -}}
{{- else if .Values.redis.external.passwordSecret.name -}}
{{- toYaml .Values.redis.external.passwordSecret -}}
{{- end -}}
{{- end -}}

{{/* Path of the mounted Redis password file (OPRC_CRM_REDIS_PASSWORD_FILE), or empty. */}}
{{- define "crm.redisPasswordFile" -}}
{{- with include "crm.redisPasswordSecret" . | fromYaml -}}
{{- printf "/etc/oaas/redis/%s" .key -}}
{{- end -}}
{{- end -}}

{{/*
A ServiceMonitor endpoint's bearer credential for /metrics, which needs role `metrics` (or
above) unless the release is insecure: `authorization` of the Prometheus Operator's
monitoring.coreos.com/v1 Endpoint, reading the token from key auth.tokens.metricsKey of the
tokens Secret. Nothing when insecure. The PM chart has the same (pm.metricsAuthorization).
*/}}
{{- define "crm.metricsAuthorization" -}}
{{- if not .Values.insecure -}}
authorization:
  type: Bearer
  credentials:
    name: {{ include "crm.authSecretName" . }}
    key: {{ .Values.auth.tokens.metricsKey }}
{{- end -}}
{{- end -}}
