# Bearer tokens for the local system (sourced by scripts/start-local.sh), created once and
# kept across restarts, each file mode 0600 in the local directory:
#   pm-tokens.csv    the PM's tokens file (OPRC_PM_AUTH_TOKENS_FILE): `token,admin,admin`
#                    and `token,viewer,viewer` (the @oaas/auth format: token,user,role)
#   crm-tokens.csv   the CRM's tokens file (OPRC_CRM_AUTH_TOKENS_FILE): `token,pm,deployer`
#   pm-crm-token     that token alone, the PM's OPRC_PM_CRM_DEFAULT_TOKEN_FILE
#   pm-admin.header  `authorization: Bearer <admin>` for curl -H @file (never on a command line)
#   metrics.header   `authorization: Bearer <token>` of `metrics-scraper` (role metrics, in
#                    both tokens files): /metrics of the PM and of every CRM role, nothing else
#   oaasctl.json     oaasctl's config file: the PM's URL and the admin token (rewritten
#                    every start: the PM's port may change)
# Tokens are 32 random bytes in hex. Rotating one: edit the file; the PM and the CRM pick
# the change up within 2 s.

# new_token: 64 hex characters from the kernel's random source.
new_token() { od -An -N32 -tx1 /dev/urandom | tr -d ' \n'; }

# local_tokens <dir> <pm url>: sets pm_tokens, crm_tokens, pm_crm_token, pm_admin_header,
# metrics_header and oaasctl_config to the files' paths.
local_tokens() {
  local dir="$1" pm_url="$2" admin
  pm_tokens="$dir/pm-tokens.csv" crm_tokens="$dir/crm-tokens.csv" pm_crm_token="$dir/pm-crm-token"
  pm_admin_header="$dir/pm-admin.header" oaasctl_config="$dir/oaasctl.json" metrics_header="$dir/metrics.header"
  (
    umask 077
    if [[ ! -s "$pm_tokens" ]]; then
      printf '%s,admin,admin\n%s,viewer,viewer\n' "$(new_token)" "$(new_token)" >"$pm_tokens"
    fi
    if [[ ! -s "$pm_crm_token" || ! -s "$crm_tokens" ]]; then
      new_token >"$pm_crm_token"
      printf '%s,pm,deployer\n' "$(cat "$pm_crm_token")" >"$crm_tokens"
    fi
    # One scrape token for both (files from before it existed get the line appended).
    local metrics
    metrics="$(awk -F, '$2 == "metrics-scraper" { print $1; exit }' "$pm_tokens" "$crm_tokens")"
    [[ -n "$metrics" ]] || metrics="$(new_token)"
    for file in "$pm_tokens" "$crm_tokens"; do
      grep -q ",metrics-scraper,metrics" "$file" || printf '%s,metrics-scraper,metrics\n' "$metrics" >>"$file"
    done
    printf 'authorization: Bearer %s\n' "$metrics" >"$metrics_header"
    admin="$(awk -F, '$2 == "admin" { print $1; exit }' "$pm_tokens")"
    [[ -n "$admin" ]] || { echo "$pm_tokens has no admin line; delete it to have a new one made" >&2; exit 1; }
    printf 'authorization: Bearer %s\n' "$admin" >"$pm_admin_header"
    printf '{"pm_url": "%s", "token": "%s"}\n' "$pm_url" "$admin" >"$oaasctl_config"
  ) || fail "writing the local tokens in $dir"
}
