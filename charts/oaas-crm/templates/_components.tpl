{{/*
The CRM Deployments to render, as a YAML list of {component, role, values, dashboard,
ingress}: component names the objects, role is the `crm <role>` argument, values holds
replicas/resources/pdb, dashboard/ingress say whether the pod serves them.
*/}}
{{- define "crm.components" -}}
{{- $v := .Values -}}
{{- if eq $v.mode "all" }}
- component: all
  role: all
  values: {{ toJson $v.all }}
  dashboard: {{ $v.dashboard.enabled }}
  ingress: true
{{- else }}
- component: ingress
  role: ingress
  values: {{ toJson $v.roles.ingress }}
  dashboard: false
  ingress: true
- component: watcher
  role: watcher
  values: {{ toJson $v.roles.watcher }}
  dashboard: false
  ingress: false
- component: reconciler
  role: reconciler
  values: {{ toJson $v.roles.reconciler }}
  dashboard: false
  ingress: false
{{- range $role := list "analyzer" "enforcer" }}
{{- if (index $v.roles $role).enabled }}
- component: {{ $role }}
  role: {{ $role }}
  values: {{ toJson (index $v.roles $role) }}
  dashboard: false
  ingress: false
{{- end }}
{{- end }}
{{- if $v.dashboard.enabled }}
- component: dashboard
  role: dashboard
  values: {{ toJson $v.roles.dashboard }}
  dashboard: true
  ingress: false
{{- end }}
{{- end }}
{{- end -}}
