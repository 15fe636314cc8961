# Sourced by start-local.sh (after its step, fail, alive, start_bg and wait_http): the
# analyzer's Prometheus for npm start. Debian's `prometheus` on its own port
# (OAAS_PROMETHEUS_PORT, default 9095; a system Prometheus may hold 9090) and data
# directory ($run/prometheus/data, kept across npm run stop and start), scraping every 5 s
# what scripts/local/metrics-exporter.ts serves (file-based service discovery: the
# exporter writes its address into $run/prometheus/targets.json). Both are stopped by
# npm run stop. OAAS_PROMETHEUS=0 leaves analysis off.
# Sets: prom_url (empty when off), and appends the analyzer's settings to crm_env.

prom_url=""
local_prometheus() {
  if [[ "${OAAS_PROMETHEUS:-1}" == 0 ]]; then
    step "Prometheus: off (OAAS_PROMETHEUS=0): no NFR recommendations"
    return 0
  fi
  if ! command -v prometheus >/dev/null; then
    step "Prometheus: not installed (apt-get install prometheus): no NFR recommendations"
    return 0
  fi
  local port="${OAAS_PROMETHEUS_PORT:-9095}" dir="$run/prometheus"
  mkdir -p "$dir/data"
  [[ -f "$dir/targets.json" ]] || echo '[]' >"$dir/targets.json"
  cat >"$dir/prometheus.yml" <<YML
global:
  scrape_interval: 5s
  evaluation_interval: 5s
scrape_configs:
  - job_name: oaas-local
    honor_labels: true
    file_sd_configs:
      - files: ["$dir/targets.json"]
        refresh_interval: 5s
YML
  if alive "$run/prometheus.pid"; then
    step "Prometheus already running (pid $(cat "$run/prometheus.pid"))"
  else
    step "starting Prometheus on 127.0.0.1:$port (data: $dir/data; log: $run/prometheus.log)"
    start_bg prometheus "$run/prometheus.log" prometheus --config.file="$dir/prometheus.yml" \
      --storage.tsdb.path="$dir/data" --storage.tsdb.retention.time=2d \
      --web.listen-address="127.0.0.1:$port" --log.level=warn
  fi
  wait_http "http://127.0.0.1:$port/-/ready" "Prometheus" "$run/prometheus.log" "$run/prometheus.pid"
  if alive "$run/metrics-exporter.pid"; then
    step "metrics exporter already running (pid $(cat "$run/metrics-exporter.pid"))"
  else
    step "starting the synthetic workload metrics exporter (log: $run/metrics-exporter.log)"
    start_bg metrics-exporter "$run/metrics-exporter.log" env KUBECONFIG="$KUBECONFIG" \
      node --import tsx scripts/local/metrics-exporter.ts "$dir/targets.json" "${OAAS_LOCAL_LOAD_RPS:-40}"
  fi
  prom_url="http://127.0.0.1:$port"
  # Short enough that the sample shows recommendations within a minute or two; the rate
  # window holds six scrapes (at least four are needed).
  crm_env+=(OPRC_CRM_PROM_URL="$prom_url"
    OPRC_CRM_ANALYZER_INTERVAL_SECS="${OPRC_CRM_ANALYZER_INTERVAL_SECS:-15}"
    OPRC_CRM_PROM_RANGE="${OPRC_CRM_PROM_RANGE:-2m}" OPRC_CRM_PROM_STEP="${OPRC_CRM_PROM_STEP:-10s}"
    OPRC_CRM_PROM_RATE_WINDOW="${OPRC_CRM_PROM_RATE_WINDOW:-30s}" OPRC_CRM_PROM_SCRAPE_INTERVAL=5s)
}
