#!/usr/bin/env bash
# Measures BlazorVault (Release, loopback) against nginx and dd on the same machine and disk and
# prints one markdown table. BENCH_QUICK=1: small sizes, one or two runs (a smoke test, not numbers).
# See bench/README.md for what each row means.
set -euo pipefail

BENCH_ROOT=$(cd "$(dirname "$0")" && pwd)
REPO_ROOT=$(dirname "$BENCH_ROOT")

if [[ ${BENCH_QUICK:-0} == 1 ]]; then
    BIG_MIB=64 RUNS=2 WRK_SECONDS=3 RSS_MIB=256 BROWSER_MIB=16 BROWSER_RUNS=1 RENDER_LOADS=2 THRESHOLD_RUNS=1 GALLERY_W=1200 GALLERY_H=800
else
    BIG_MIB=1024 RUNS=5 WRK_SECONDS=10 RSS_MIB=2048 BROWSER_MIB=500 BROWSER_RUNS=3 RENDER_LOADS=5 THRESHOLD_RUNS=5 GALLERY_W=4000 GALLERY_H=3000
fi
THRESHOLD_KIB=(64 256 1024 4096 16384)
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
RENDER_SMALL=10
RENDER_LARGE=10000
GRID_PAGE=25    # FileGrid.PageSize: rows the dashboard shows at once
PASSWORD='bench password that is long enough'

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- what the run needs -----------------------------------------------------------------------

need_packages=()
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || need_packages+=(nginx)
command -v wrk >/dev/null || need_packages+=(wrk)
command -v curl >/dev/null || need_packages+=(curl)
command -v jq >/dev/null || need_packages+=(jq)
command -v sqlite3 >/dev/null || need_packages+=(sqlite3)
command -v node >/dev/null || need_packages+=(nodejs npm)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need_packages+=(postgresql)
CHROMIUM=${BLAZORVAULT_CHROMIUM:-/usr/bin/chromium}
[[ -x $CHROMIUM ]] || need_packages+=(chromium)
if ((${#need_packages[@]})); then
    [[ $(id -u) == 0 ]] || die "missing ${need_packages[*]}; run as root to install them with apt-get, or install them yourself"
    command -v apt-get >/dev/null || die "missing ${need_packages[*]} and no apt-get to install them"
    log "installing ${need_packages[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >&2
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
"$NGINX" -V 2>&1 | grep -q -- --with-http_dav_module || die "$NGINX has no WebDAV module (http_dav_module)"
command -v dotnet >/dev/null || die "the .NET 10 SDK (dotnet) is needed"

if ! command -v s3rver >/dev/null; then
    log "npm install -g s3rver@3.7.1 (the S3-compatible server of the PostgreSQL + S3 rows)"
    npm install -g --no-audit --no-fund --loglevel=error s3rver@3.7.1 >&2
fi

if [[ ! -d $BENCH_ROOT/browser/node_modules/playwright-core ]]; then
    log "npm ci in bench/browser (playwright-core only; no browser download)"
    (cd "$BENCH_ROOT/browser" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# --- clean-up ---------------------------------------------------------------------------------

WORK=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/blazorvault-bench.XXXXXX")
APP_PID='' ACCEL_PID='' APP2_PID='' APP3_PID='' APP4_PID='' APP5_PID='' NGINX_PID='' SAMPLER_PID='' NODE_PID='' S3_PID='' PG_DATA=''
cleanup() {
    local rc=$?
    set +e
    [[ -n $S3_PID ]] && kill "$S3_PID" 2>/dev/null
    [[ -n $PG_DATA ]] && pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1
    [[ -n $SAMPLER_PID ]] && kill "$SAMPLER_PID" 2>/dev/null
    # playwright-core closes its Chromium when node gets SIGTERM.
    [[ -n $NODE_PID ]] && kill -TERM "$NODE_PID" 2>/dev/null && sleep 1
    [[ -n $NGINX_PID ]] && kill -QUIT "$NGINX_PID" 2>/dev/null
    for pid in $APP_PID $ACCEL_PID $APP2_PID $APP3_PID $APP4_PID $APP5_PID; do
        kill -TERM "$pid" 2>/dev/null
        for _ in {1..50}; do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
    done
    [[ -n $NGINX_PID ]] && { for _ in {1..50}; do kill -0 "$NGINX_PID" 2>/dev/null || break; sleep 0.1; done; kill -KILL "$NGINX_PID" 2>/dev/null; }
    if ((rc != 0)) && [[ -f $WORK/app.log ]]; then
        log "app log (last 30 lines):"; tail -n 30 "$WORK/app.log" >&2
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local port
    for port in $(shuf -i 20000-60000 -n 100); do
        ss -ltnH "sport = :$port" | grep -q . || { echo "$port"; return; }
    done
    die "no free port"
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# <bytes> <seconds> -> MB/s (10^6 bytes per second)
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f", b / s / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a / b }'; }
# Ratios print with two decimals, or three when below 0.1.
fmtr() { awk -v v="$1" 'BEGIN { printf (v < 0.1 ? "%.3f" : "%.2f"), v }'; }
fmt1() { awk -v v="$1" 'BEGIN { printf "%.1f", v }'; }
fmt0() { awk -v v="$1" 'BEGIN { printf "%.0f", v }'; }
# met <value> <op> <target>
met() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? v >= t : v <= t; print ok ? "met" : "**missed**" }'; }

# --- build and start the app ------------------------------------------------------------------

mkdir -p "$WORK"/{app,data,data2,data3,www,dav,nginx/tmp,files}
log "work directory $WORK; publishing BlazorVault (Release)"
dotnet publish "$REPO_ROOT/BlazorVault/BlazorVault.csproj" -c Release -o "$WORK/app" --nologo -v quiet >&2

# start_app <data dir> <log> [extra VAR=value...]: one published instance on a free loopback port;
# sets STARTED_PID and STARTED_URL.
start_app() {
    local data=$1 logfile=$2 port url pid
    shift 2
    port=$(free_port)
    url="http://127.0.0.1:$port"
    (
        cd "$WORK/app"
        export ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1
        export Vault__DataDirectory="$data"
        export Vault__Passwords__BcryptWorkFactor=10
        export Vault__RateLimits__AuthPermitsPerMinute=100000
        export Vault__Links__PermitsPerMinute=1000000
        # GET /bench/bare/{sha256}: the floor a small download is measured against, and /bench/checked/{sha256}: the
        # same behind the bearer policy, one statement (never set in production).
        export Vault__Downloads__BareBenchEndpoint=true
        export Vault__MaxUploadBytes=$((8 * 1024 * 1024 * 1024))
        export Vault__DefaultQuotaBytes=$((1024 * 1024 * 1024 * 1024))
        (($#)) && export "$@"
        exec dotnet BlazorVault.dll --urls "$url"
    ) >"$logfile" 2>&1 &
    pid=$!
    for _ in {1..300}; do
        curl -fsS -o /dev/null "$url/health" 2>/dev/null && break
        kill -0 "$pid" 2>/dev/null || { tail -n 40 "$logfile" >&2; die "the app exited at start (its log's end above: $logfile)"; }
        sleep 0.1
    done
    curl -fsS -o /dev/null "$url/health" || die "the app did not become healthy"
    STARTED_PID=$pid STARTED_URL=$url
}
start_app "$WORK/data" "$WORK/app.log"
APP_PID=$STARTED_PID APP=$STARTED_URL
log "app pid $APP_PID on $APP"
# A second instance on the same data, behind nginx, handing its downloads to nginx (X-Accel-Redirect).
start_app "$WORK/data" "$WORK/app-accel.log" Vault__Downloads__AccelRedirect=/_vault_blobs/
ACCEL_PID=$STARTED_PID ACCEL=$STARTED_URL

# register <user> <cookie jar>: the /register form, antiforgery token included; leaves the session cookie in the jar.
register() {
    local user=$1 jar=$2 base=${3:-$APP} form csrf status
    form=$(curl -fsS -c "$jar" -b "$jar" "$base/register")
    csrf=$(grep -o 'name="__RequestVerificationToken"[^>]*' <<<"$form" | sed -n 's/.*value="\([^"]*\)".*/\1/p' | head -n 1)
    [[ -n $csrf ]] || die "no antiforgery token on /register"
    status=$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" "$base/register" \
        --data-urlencode "__RequestVerificationToken=$csrf" --data-urlencode "_handler=register" \
        --data-urlencode "Input.UserName=$user" --data-urlencode "Input.Password=$PASSWORD" \
        --data-urlencode "Input.ConfirmPassword=$PASSWORD")
    [[ $status == 302 ]] || die "registering $user answered $status"
}
bearer() {
    curl -fsS "$APP/api/token" -H 'Content-Type: application/json' \
        -d "$(jq -nc --arg u "$1" --arg p "$PASSWORD" '{userName: $u, password: $p}')" | jq -r .access_token
}
# api_upload <token> <file> <name> -> the stored file's id
api_upload() {
    curl -fsS -X POST "$APP/api/files?name=$3" -H "Authorization: Bearer $1" \
        -H 'Content-Type: application/octet-stream' -T "$2" | jq -r .id
}

register bench "$WORK/bench.cookies"
TOKEN=$(bearer bench)
[[ -n $TOKEN && $TOKEN != null ]] || die "no bearer token"

# --- test files and nginx ---------------------------------------------------------------------

log "writing test files (${BIG_MIB} MiB, ${RSS_MIB} MiB, 4 KiB, ${BROWSER_MIB} MiB of random bytes)"
BIG=$WORK/www/big.bin SMALL=$WORK/www/small.bin RSS=$WORK/files/rss.bin BROWSER_FILE=$WORK/files/browser-upload.bin
head -c "$((BIG_MIB * 1024 * 1024))" /dev/urandom >"$BIG"
head -c 4096 /dev/urandom >"$SMALL"
head -c "$((RSS_MIB * 1024 * 1024))" /dev/urandom >"$RSS"
head -c "$((BROWSER_MIB * 1024 * 1024))" /dev/urandom >"$BROWSER_FILE"
BIG_BYTES=$(stat -c %s "$BIG")

NGINX_PORT=$(free_port) NGINX_APP_PORT=$(free_port)
NGX="http://127.0.0.1:$NGINX_PORT" NGX_APP="http://127.0.0.1:$NGINX_APP_PORT"
chmod 755 "$WORK"
cat >"$WORK/nginx/nginx.conf" <<EOF
$([[ $(id -u) == 0 ]] && echo "user $(id -un) $(id -gn);")
worker_processes auto;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $WORK/nginx/tmp;
    proxy_temp_path $WORK/nginx/tmp;
    fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp;
    scgi_temp_path $WORK/nginx/tmp;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        location /dav/ {
            alias $WORK/dav/;
            dav_methods PUT DELETE;
            create_full_put_path on;
            client_max_body_size 0;
        }
    }
    # The accel instance behind nginx, as deploy/nginx-single.conf has it (Host with its port, for the share link's redirect).
    server {
        listen 127.0.0.1:$NGINX_APP_PORT;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        proxy_max_temp_file_size 0;
        location / { proxy_pass $ACCEL; proxy_set_header Connection ""; }
        location /_vault_blobs/ {
            internal;
            alias $WORK/data/blobs/;
            etag off;
            if_modified_since off;
            max_ranges 1;
            add_header ETag \$upstream_http_etag;
            add_header Last-Modified \$upstream_http_last_modified;
            add_header Content-Security-Policy \$upstream_http_content_security_policy always;
            add_header X-Content-Type-Options \$upstream_http_x_content_type_options always;
        }
    }
}
EOF
"$NGINX" -t -q -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" 2>&1 | grep -v 'the "user" directive' >&2 || true
"$NGINX" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" &
NGINX_PID=$!
for _ in {1..50}; do curl -fsS -o /dev/null "$NGX/small.bin" 2>/dev/null && break; sleep 0.1; done
curl -fsS -o /dev/null "$NGX/small.bin" || die "nginx did not start (see $WORK/nginx/error.log)"
log "nginx pid $NGINX_PID on $NGX"

# --- uploads: API vs nginx WebDAV PUT vs dd ----------------------------------------------------
# curl -T streams the file; --data-binary @file would first read it all into curl's memory,
# which curl refuses for 1 GiB ("out of memory"). Same client, same way, for both servers.

# timed_upload <curl args...> -> seconds (fails unless 2xx)
timed_upload() {
    local out code secs
    out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' "$@")
    read -r code secs <<<"$out"
    [[ $code == 2* ]] || die "upload answered $code: $*"
    echo "$secs"
}
# tus_upload <file> <name> -> seconds for the creation POST plus one PATCH of the whole file (curl -T
# streams it; one request, no chunking), fails unless 201 then 204 with Vault-File-Id.
tus_upload() {
    local file=$1 name=$2 size hdrs code secs location out patch_secs
    size=$(stat -c %s "$file")
    hdrs=$(curl -sS -o /dev/null -D - -w 'BENCH %{http_code} %{time_total}\n' -X POST "$APP/api/uploads" \
        -H "Authorization: Bearer $TOKEN" -H 'Tus-Resumable: 1.0.0' -H "Upload-Length: $size" \
        -H "Upload-Metadata: filename $(printf %s "$name" | base64 -w0),filetype $(printf application/octet-stream | base64 -w0)")
    read -r _ code secs < <(grep '^BENCH ' <<<"$hdrs")
    [[ $code == 201 ]] || die "tus creation answered $code"
    location=$(tr -d '\r' <<<"$hdrs" | sed -n 's/^[Ll]ocation: *//p')
    [[ $location == /* ]] && location=$APP$location
    out=$(curl -sS -o /dev/null -D - -w 'BENCH %{http_code} %{time_total}\n' -X PATCH "$location" \
        -H "Authorization: Bearer $TOKEN" -H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
        -H 'Content-Type: application/offset+octet-stream' -T "$file")
    read -r _ code patch_secs < <(grep '^BENCH ' <<<"$out")
    [[ $code == 204 ]] && grep -qi '^Vault-File-Id:' <<<"$out" || die "tus PATCH answered $code without Vault-File-Id"
    awk -v a="$secs" -v b="$patch_secs" 'BEGIN { print a + b }'
}
api_up=() dav_up=() dd_up=() r_up_dav=() r_up_dd=() tus_up=() r_tus_dav=() r_tus_api=()
for ((run = 1; run <= RUNS; run++)); do
    log "upload run $run/$RUNS"
    declare -A s=()
    # Alternate the order so that neither side always follows the other's writeback.
    order=(api tus dav dd); ((run % 2 == 0)) && order=(dd dav tus api)
    for who in "${order[@]}"; do
        sync
        case $who in
        api) s[api]=$(timed_upload -X POST "$APP/api/files?name=big-$run.bin" -H "Authorization: Bearer $TOKEN" \
                -H 'Content-Type: application/octet-stream' -T "$BIG") ;;
        tus) s[tus]=$(tus_upload "$BIG" "tus-$run.bin") ;;
        dav) s[dav]=$(timed_upload -X PUT "$NGX/dav/big-$run.bin" -H 'Content-Type: application/octet-stream' -T "$BIG") ;;
        dd) s[dd]=$(dd if=/dev/zero of="$WORK/files/dd.bin" bs=1M count="$BIG_MIB" conv=fsync 2>&1 |
                sed -n 's/.*copied, \([0-9.]*\) s.*/\1/p') ;;
        esac
    done
    a=$(mbps "$BIG_BYTES" "${s[api]}") d=$(mbps "$BIG_BYTES" "${s[dav]}") z=$(mbps "$BIG_BYTES" "${s[dd]}")
    api_up+=("$a") dav_up+=("$d") dd_up+=("$z") r_up_dav+=("$(ratio "$a" "$d")") r_up_dd+=("$(ratio "$a" "$z")")
    t=$(mbps "$BIG_BYTES" "${s[tus]}")
    tus_up+=("$t") r_tus_dav+=("$(ratio "$t" "$d")") r_tus_api+=("$(ratio "$t" "$a")")
    rm -f "$WORK/files/dd.bin" "$WORK/dav/big-$run.bin"
    unset s
done

# --- downloads: owner (bearer, cookie), share link, nginx ---------------------------------------

BIG_ID=$(curl -fsS "$APP/api/files?q=big-1.bin&pageSize=1" -H "Authorization: Bearer $TOKEN" | jq -r '.items[0].id')
SMALL_ID=$(api_upload "$TOKEN" "$SMALL" small.bin)
link() { curl -fsS -X POST "$APP/api/files/$1/links" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{}' | jq -r .url; }
BIG_LINK=$(link "$BIG_ID")/download
SMALL_LINK=$(link "$SMALL_ID")/download
# A short link's download answers 302 to itself with a download grant (?token=, 30 minutes): wrk follows no
# redirects, so it asks the grant's URL, which is what does the checks and the counting.
SMALL_GRANT=$(curl -sS -o /dev/null -w '%{redirect_url}' "$SMALL_LINK")
[[ $SMALL_GRANT == *token=* ]] || die "the small file's share link did not redirect to a download grant"

# timed_download <url> <curl args...> -> MB/s (fails unless 200 with every byte)
timed_download() {
    local url=$1 out code secs size
    shift
    out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}' "$@" "$url")
    read -r code secs size <<<"$out"
    [[ $code == 200 && $size == "$BIG_BYTES" ]] || die "download of $url answered $code with $size bytes"
    mbps "$size" "$secs"
}
ACCEL_LINK=${BIG_LINK/$APP/$NGX_APP}
dl_bearer=() dl_cookie=() dl_link=() dl_nginx=() r_dl_bearer=() r_dl_cookie=() r_dl_link=()
dl_accel=() dl_accel_link=() r_dl_accel=() r_dl_accel_link=()
for who in bearer cookie link nginx accel accel_link; do  # warm-up: page cache and JIT, not measured
    case $who in
    accel) timed_download "$NGX_APP/api/files/$BIG_ID/content" -H "Authorization: Bearer $TOKEN" >/dev/null ;;
    accel_link) timed_download "$ACCEL_LINK" -L >/dev/null ;;
    bearer) timed_download "$APP/api/files/$BIG_ID/content" -H "Authorization: Bearer $TOKEN" >/dev/null ;;
    cookie) timed_download "$APP/download/$BIG_ID" -b "$WORK/bench.cookies" >/dev/null ;;
    link) timed_download "$BIG_LINK" -L >/dev/null ;;
    nginx) timed_download "$NGX/big.bin" >/dev/null ;;
    esac
done
for ((run = 1; run <= RUNS; run++)); do
    log "download run $run/$RUNS"
    declare -A m=()
    order=(bearer cookie link nginx accel accel_link); ((run % 2 == 0)) && order=(accel_link accel nginx link cookie bearer)
    for who in "${order[@]}"; do
        case $who in
        accel) m[accel]=$(timed_download "$NGX_APP/api/files/$BIG_ID/content" -H "Authorization: Bearer $TOKEN") ;;
        accel_link) m[accel_link]=$(timed_download "$ACCEL_LINK" -L) ;;
        bearer) m[bearer]=$(timed_download "$APP/api/files/$BIG_ID/content" -H "Authorization: Bearer $TOKEN") ;;
        cookie) m[cookie]=$(timed_download "$APP/download/$BIG_ID" -b "$WORK/bench.cookies") ;;
        link) m[link]=$(timed_download "$BIG_LINK" -L) ;;
        nginx) m[nginx]=$(timed_download "$NGX/big.bin") ;;
        esac
    done
    dl_bearer+=("${m[bearer]}") dl_cookie+=("${m[cookie]}") dl_link+=("${m[link]}") dl_nginx+=("${m[nginx]}")
    r_dl_bearer+=("$(ratio "${m[bearer]}" "${m[nginx]}")") r_dl_cookie+=("$(ratio "${m[cookie]}" "${m[nginx]}")")
    r_dl_link+=("$(ratio "${m[link]}" "${m[nginx]}")")
    dl_accel+=("${m[accel]}") dl_accel_link+=("${m[accel_link]}")
    r_dl_accel+=("$(ratio "${m[accel]}" "${m[nginx]}")") r_dl_accel_link+=("$(ratio "${m[accel_link]}" "${m[nginx]}")")
    unset m
done

# --- 4 KiB requests per second with wrk -----------------------------------------------------------

# rps <url> [header] -> requests/s; fails on any non-2xx answer or socket error. Leaves the p99 latency (ms) in $WORK/p99.
rps() {
    local out header=()
    [[ -n ${2:-} ]] && header=(-H "$2")
    out=$(wrk -t2 -c"$WRK_CONNECTIONS" -d"${WRK_SECONDS}s" --latency "${header[@]}" "$1")
    if grep -q 'Non-2xx' <<<"$out"; then die "wrk got error answers from $1: $(grep Non-2xx <<<"$out")"; fi
    grep -q 'Socket errors' <<<"$out" && log "wrk socket errors on $1: $(grep 'Socket errors' <<<"$out")"
    awk '$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : u == "m" ? v * 60000 : v) }' <<<"$out" >"$WORK/p99"
    awk '/^Requests\/sec:/ { print $2 }' <<<"$out"
}
SMALL_SHA=$(curl -fsS "$APP/api/files/$SMALL_ID" -H "Authorization: Bearer $TOKEN" | jq -r .sha256)
SESSION=$(awk '$6 == "BlazorVault.Session" { print $7 }' "$WORK/bench.cookies")
# A link with a download limit (high enough for the run) counts every download in one conditional statement.
LIMITED_LINK=$(curl -fsS -X POST "$APP/api/files/$SMALL_ID/links" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d '{"maxDownloads":1000000}' | jq -r .url)/download
LIMITED_GRANT=$(curl -sS -o /dev/null -w '%{redirect_url}' "$LIMITED_LINK")
[[ $LIMITED_GRANT == *token=* ]] || die "the limited share link did not redirect to a download grant"
for url in "$APP/api/files/$SMALL_ID/content" "$SMALL_GRANT" "$LIMITED_GRANT" "$NGX/small.bin" "$APP/bench/bare/$SMALL_SHA" "$APP/bench/checked/$SMALL_SHA"; do  # warm-up
    wrk -t2 -c"$WRK_CONNECTIONS" -d2s -H "Authorization: Bearer $TOKEN" "$url" >/dev/null
done
wrk -t2 -c"$WRK_CONNECTIONS" -d2s -H "Cookie: BlazorVault.Session=$SESSION" "$APP/download/$SMALL_ID" >/dev/null
rps_bearer=() rps_link=() rps_nginx=() r_rps_bearer=() r_rps_link=()
rps_bare=() rps_checked=() r_bare_checked=() rps_cookie=() rps_limited=() r_bare_bearer=() r_bare_cookie=() r_bare_link=() r_bare_limited=() r_bare_nginx=()
p99_bare=() p99_link=() p99_limited=() r_p99_link=() r_p99_limited=()
for ((run = 1; run <= RUNS; run++)); do
    log "4 KiB wrk run $run/$RUNS"
    a=$(rps "$APP/bench/bare/$SMALL_SHA") pa=$(cat "$WORK/p99")
    x=$(rps "$APP/bench/checked/$SMALL_SHA" "Authorization: Bearer $TOKEN")
    b=$(rps "$APP/api/files/$SMALL_ID/content" "Authorization: Bearer $TOKEN")
    c=$(rps "$APP/download/$SMALL_ID" "Cookie: BlazorVault.Session=$SESSION")
    l=$(rps "$SMALL_GRANT") pl=$(cat "$WORK/p99")
    k=$(rps "$LIMITED_GRANT") pk=$(cat "$WORK/p99")
    n=$(rps "$NGX/small.bin")
    rps_bearer+=("$b") rps_link+=("$l") rps_nginx+=("$n") rps_bare+=("$a") rps_cookie+=("$c") rps_limited+=("$k")
    r_rps_bearer+=("$(ratio "$b" "$n")") r_rps_link+=("$(ratio "$l" "$n")")
    r_bare_bearer+=("$(ratio "$b" "$a")") r_bare_cookie+=("$(ratio "$c" "$a")") r_bare_link+=("$(ratio "$l" "$a")")
    rps_checked+=("$x") r_bare_checked+=("$(ratio "$x" "$a")")
    r_bare_limited+=("$(ratio "$k" "$a")") r_bare_nginx+=("$(ratio "$a" "$n")")
    p99_bare+=("$pa") p99_link+=("$pl") p99_limited+=("$pk") r_p99_link+=("$(ratio "$pl" "$pa")") r_p99_limited+=("$(ratio "$pk" "$pa")")
done

# --- peak RSS: a 2 GiB upload and a 2 GiB download at once ----------------------------------------

# browser <args...>: browser.mjs in the background, so that the EXIT trap can stop it (and its Chromium).
browser() {
    node "$BENCH_ROOT/browser/browser.mjs" "$@" &
    NODE_PID=$!
    wait "$NODE_PID" || die "browser.mjs $1 failed"
    NODE_PID=''
}

log "peak RSS: ${RSS_MIB} MiB upload and download at once"
RSS_ID=$(api_upload "$TOKEN" "$RSS" rss-source.bin)
rss_before=$(awk '/^VmRSS:/ { print $2 }' "/proc/$APP_PID/status")
# Reset VmHWM to the current RSS (Linux >= 4.0), so the peak is this phase's, not the start-up's.
hwm_reset=yes
echo 5 >"/proc/$APP_PID/clear_refs" 2>/dev/null || hwm_reset=no
(while :; do awk '/^VmRSS:/ { print $2 }' "/proc/$APP_PID/status"; sleep 0.05; done) >"$WORK/rss.samples" 2>/dev/null &
SAMPLER_PID=$!
curl -fsS -o /dev/null -X POST "$APP/api/files?name=rss-upload.bin" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/octet-stream' -T "$RSS" &
up_pid=$!
curl -fsS -o /dev/null "$APP/api/files/$RSS_ID/content" -H "Authorization: Bearer $TOKEN" &
down_pid=$!
wait "$up_pid" || die "the RSS-phase upload failed"
wait "$down_pid" || die "the RSS-phase download failed"
kill "$SAMPLER_PID" 2>/dev/null; wait "$SAMPLER_PID" 2>/dev/null || true; SAMPLER_PID=''
rss_sampled=$(sort -n "$WORK/rss.samples" | tail -n 1)
rss_hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$APP_PID/status")
[[ $hwm_reset == yes ]] || log "could not reset VmHWM; it includes everything since start"
rss_peak_mib=$(awk -v a="$rss_sampled" -v b="$rss_hwm" 'BEGIN { printf "%.0f", (a > b ? a : b) / 1024 }')
rss_before_mib=$(awk -v a="$rss_before" 'BEGIN { printf "%.0f", a / 1024 }')

# --- browser: the dashboard's upload over SignalR and over tus vs fetch() ---------------------------

# A second instance (own port and data directory) whose threshold is above the file's size, so that
# its dashboard sends the file over the circuit; the first keeps the default threshold (tus).
BROWSER_BYTES=$(stat -c %s "$BROWSER_FILE")
log "second app instance for the SignalR path (threshold above $BROWSER_BYTES bytes)"
start_app "$WORK/data2" "$WORK/app2.log" Vault__Uploads__BrowserThresholdBytes=$((BROWSER_BYTES + 1))
APP2_PID=$STARTED_PID APP2=$STARTED_URL
register bench "$WORK/bench2.cookies" "$APP2"
log "browser upload: ${BROWSER_MIB} MiB, $BROWSER_RUNS run(s) each way (SignalR on $APP2, tus and fetch on $APP)"
export BLAZORVAULT_CHROMIUM=$CHROMIUM
# Each instance's peak RSS over the phase, against its RSS just before (VmHWM reset as above).
rss_kib() { awk -v f="$2" '$1 == f ":" { print $2 }' "/proc/$1/status"; }
br_rss_before=$(rss_kib "$APP_PID" VmRSS) br2_rss_before=$(rss_kib "$APP2_PID" VmRSS)
echo 5 >"/proc/$APP_PID/clear_refs" 2>/dev/null || true
echo 5 >"/proc/$APP2_PID/clear_refs" 2>/dev/null || true
browser upload "$APP" bench "$PASSWORD" "$TOKEN" "$BROWSER_FILE" "$BROWSER_RUNS" "$APP2" >"$WORK/browser-upload.jsonl"
br_rss_peak=$(rss_kib "$APP_PID" VmHWM) br2_rss_peak=$(rss_kib "$APP2_PID" VmHWM)
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# Where the circuit stops being as good: small files both ways, on a third instance whose threshold is 0
# (every file over tus) and on the second (every file over the circuit).
log "threshold sweep: ${THRESHOLD_KIB[*]} KiB, $THRESHOLD_RUNS run(s) each way"
threshold_files=()
for kib in "${THRESHOLD_KIB[@]}"; do
    head -c "$((kib * 1024))" /dev/urandom >"$WORK/files/threshold-$kib.bin"
    threshold_files+=("$WORK/files/threshold-$kib.bin")
done
start_app "$WORK/data3" "$WORK/app3.log" Vault__Uploads__BrowserThresholdBytes=0
APP3_PID=$STARTED_PID APP3=$STARTED_URL
register bench "$WORK/bench3.cookies" "$APP3"
browser threshold "$APP3" bench "$PASSWORD" "$APP2" "$THRESHOLD_RUNS" "${threshold_files[@]}" >"$WORK/threshold.jsonl"
for pid in "$APP2_PID" "$APP3_PID"; do kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
APP2_PID='' APP3_PID=''
declare -A th_sig=() th_tus=()
for kib in "${THRESHOLD_KIB[@]}"; do
    th_sig[$kib]=$(jq -r --argjson b "$((kib * 1024))" 'select(.bytes == $b) | .signalrSeconds * 1000' "$WORK/threshold.jsonl" | median)
    th_tus[$kib]=$(jq -r --argjson b "$((kib * 1024))" 'select(.bytes == $b) | .tusSeconds * 1000' "$WORK/threshold.jsonl" | median)
done
mapfile -t br_sig < <(jq -r --argjson b "$BROWSER_BYTES" '$b / .signalrSeconds / 1e6' "$WORK/browser-upload.jsonl")
mapfile -t br_tus < <(jq -r --argjson b "$BROWSER_BYTES" '$b / .tusSeconds / 1e6' "$WORK/browser-upload.jsonl")
mapfile -t br_fetch < <(jq -r --argjson b "$BROWSER_BYTES" '$b / .fetchSeconds / 1e6' "$WORK/browser-upload.jsonl")
mapfile -t r_br_tus < <(jq -r '.fetchSeconds / .tusSeconds' "$WORK/browser-upload.jsonl")
mapfile -t r_br_sig < <(jq -r '.fetchSeconds / .signalrSeconds' "$WORK/browser-upload.jsonl")

# --- dashboard render with 10 and 10,000 files --------------------------------------------------------

# seed <user> <count>: one real upload, then copies of its row (same blob, new id and name) straight into SQLite,
# with the root's child count they carry.
seed() {
    local user=$1 count=$2 token
    register "$user" "$WORK/$user.cookies"
    token=$(bearer "$user")
    api_upload "$token" "$SMALL" "$user-00000.bin" >/dev/null
    sqlite3 "$WORK/data/vault.db" <<SQL
.timeout 10000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count - 1)
INSERT INTO Files (Id, OwnerId, Name, NameKey, ContentType, Size, Sha256, CreatedAt)
SELECT upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))),
       f.OwnerId, printf('$user-%05d.bin', n.i), printf('$user-%05d.bin', n.i), f.ContentType, f.Size, f.Sha256, f.CreatedAt
FROM n, Files f JOIN AspNetUsers u ON u.Id = f.OwnerId WHERE u.UserName = '$user';
UPDATE Usage SET RootFileCount = RootFileCount + $count - 1 WHERE UserId = (SELECT Id FROM AspNetUsers WHERE UserName = '$user');
SQL
    local total
    total=$(curl -fsS "$APP/api/files?pageSize=1" -H "Authorization: Bearer $token" | jq .total)
    [[ $total == "$count" ]] || die "seeded $user with $total files, not $count"
}
seed render-small "$RENDER_SMALL"
seed render-large "$RENDER_LARGE"
declare -A render_ms=()
for who in small large; do
    n=$([[ $who == small ]] && echo "$RENDER_SMALL" || echo "$RENDER_LARGE")
    rows=$((n < GRID_PAGE ? n : GRID_PAGE))
    log "dashboard render with $n files, $RENDER_LOADS loads"
    browser render "$APP" "render-$who" "$PASSWORD" "$rows" "$RENDER_LOADS" >"$WORK/render-$who.jsonl"
    render_ms[$who]=$(jq -r .ms "$WORK/render-$who.jsonl" | median)
done

# --- the tree: folder listing with 10 and 10,000 files, trash and restore, a folder ZIP -----------------

# seed_folder <name> <count> <KiB>: a folder (API) holding one real upload of <KiB> random bytes and <count> - 1
# more rows of the same blob straight into SQLite, with the usage, reference count and folder child count they carry.
seed_folder() {
    local name=$1 count=$2 kib=$3 folder
    folder=$(curl -fsS -X POST "$APP/api/folders" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -d "$(jq -nc --arg n "$name" '{name: $n}')" | jq -r .id)
    head -c $((kib * 1024)) /dev/urandom >"$WORK/tree-$name.bin"
    curl -fsS -X POST "$APP/api/files?name=$name-00000.bin&folderId=$folder" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/octet-stream' -T "$WORK/tree-$name.bin" >/dev/null
    sqlite3 "$WORK/data/vault.db" <<SQL
.timeout 10000
CREATE TEMP TABLE one AS SELECT * FROM Files WHERE FolderId = upper('$folder');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count - 1)
INSERT INTO Files (Id, OwnerId, Name, NameKey, FolderId, ContentType, Size, Sha256, CreatedAt)
SELECT upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(2)) || '-' || hex(randomblob(6))),
       f.OwnerId, printf('$name-%05d.bin', n.i), printf('$name-%05d.bin', n.i), f.FolderId, f.ContentType, f.Size, f.Sha256, f.CreatedAt
FROM n, one f;
UPDATE Usage SET UsedBytes = UsedBytes + ($count - 1) * (SELECT Size FROM one) WHERE UserId = (SELECT OwnerId FROM one);
UPDATE Blobs SET RefCount = RefCount + $count - 1 WHERE Sha256 = (SELECT Sha256 FROM one);
UPDATE Folders SET FileCount = FileCount + $count - 1 WHERE Id = upper('$folder');
SQL
    echo "$folder"
}
# timed <curl args...> -> seconds (fails on a non-2xx answer)
timed() {
    local out code secs
    out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" "$@")
    read -r code secs <<<"$out"
    [[ $code == 2?? ]] || die "$* answered $code"
    echo "$secs"
}
TREE_LARGE=10000 ZIP_FILES=$([[ ${BENCH_QUICK:-0} == 1 ]] && echo 64 || echo 1000)
log "tree: seeding folders of $RENDER_SMALL and $TREE_LARGE files, a $TREE_LARGE-file folder to trash, a $ZIP_FILES-file folder to ZIP"
F_SMALL=$(seed_folder small-folder "$RENDER_SMALL" 4)
F_LARGE=$(seed_folder large-folder "$TREE_LARGE" 4)
F_TRASH=$(seed_folder trash-folder "$TREE_LARGE" 4)
F_ZIP=$(seed_folder zip-folder "$ZIP_FILES" $((BIG_MIB * 1024 / ZIP_FILES)))
ZIP_BYTES=$((ZIP_FILES * (BIG_MIB * 1024 / ZIP_FILES) * 1024))
list_small=() list_large=() r_list=()
for who in small large; do  # warm-up
    f=$([[ $who == small ]] && echo "$F_SMALL" || echo "$F_LARGE")
    timed "$APP/api/folders/$f/children?pageSize=50&sort=name" >/dev/null
done
for ((run = 1; run <= RUNS * 3; run++)); do
    a=$(timed "$APP/api/folders/$F_SMALL/children?pageSize=50&sort=name")
    b=$(timed "$APP/api/folders/$F_LARGE/children?pageSize=50&sort=name")
    list_small+=("$a") list_large+=("$b") r_list+=("$(ratio "$b" "$a")")
done
trash_s=() restore_s=()
for ((run = 1; run <= RUNS; run++)); do
    trash_s+=("$(timed -X DELETE "$APP/api/folders/$F_TRASH")")
    restore_s+=("$(timed -X POST "$APP/api/trash/$F_TRASH/restore")")
done
[[ $(curl -fsS "$APP/api/folders/$F_TRASH/children?pageSize=1" -H "Authorization: Bearer $TOKEN" | jq .total) == "$TREE_LARGE" ]] \
    || die "the restored folder does not hold its $TREE_LARGE files"
# zip_download -> MB/s of the folder ZIP, whose length must be at least the bytes of its files
zip_download() {
    local out code secs size
    out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total} %{size_download}' -H "Authorization: Bearer $TOKEN" "$APP/api/folders/$F_ZIP/zip")
    read -r code secs size <<<"$out"
    [[ $code == 200 && $size -ge $ZIP_BYTES ]] || die "the folder ZIP answered $code with $size bytes"
    mbps "$size" "$secs"
}
zip_download >/dev/null  # warm-up
zip_rate=() r_zip=() zip_rss_peak=0
zip_rss_before=$(rss_kib "$APP_PID" VmRSS)
for ((run = 1; run <= RUNS; run++)); do
    log "zip run $run/$RUNS"
    single=$(timed_download "$APP/api/files/$BIG_ID/content" -H "Authorization: Bearer $TOKEN")
    ( peak=0; while kill -0 "$APP_PID" 2>/dev/null; do v=$(rss_kib "$APP_PID" VmRSS); ((v > peak)) && peak=$v && echo "$peak" >"$WORK/zip-rss"; sleep 0.05; done ) &
    sampler=$!
    z=$(zip_download)
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    v=$(cat "$WORK/zip-rss" 2>/dev/null || echo 0); ((v > zip_rss_peak)) && zip_rss_peak=$v
    zip_rate+=("$z") r_zip+=("$(ratio "$z" "$single")")
done

# --- thumbnails: a 24-megapixel JPEG, time to its thumbnails and the app's peak RSS meanwhile --------------

log "thumbnails: making a 24-megapixel JPEG"
(cd "$BENCH_ROOT/tools" && dotnet run make-photo.cs "$WORK/photo.jpg" 6000 4000 >/dev/null) || die "could not make the test photo"
PHOTO_BYTES=$(stat -c %s "$WORK/photo.jpg")
thumb_ms=() thumb_get_ms=() thumb_rss_peak=0
thumb_rss_before=$(rss_kib "$APP_PID" VmRSS)
for ((run = 1; run <= RUNS; run++)); do
    # Another content each run (bytes after the JPEG's end are ignored by decoders), so nothing is cached.
    cp "$WORK/photo.jpg" "$WORK/photo-$run.jpg" && printf 'run %d' "$run" >>"$WORK/photo-$run.jpg"
    ( peak=0; while kill -0 "$APP_PID" 2>/dev/null; do v=$(rss_kib "$APP_PID" VmRSS); ((v > peak)) && peak=$v && echo "$peak" >"$WORK/thumb-rss"; sleep 0.05; done ) &
    sampler=$!
    photo_id=$(curl -fsS -X POST "$APP/api/files?name=photo-$run.jpg" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: image/jpeg' -T "$WORK/photo-$run.jpg" | jq -r .id)
    start=$(date +%s%N)
    # The upload queued it; the worker makes it. Poll every 20 ms until it is there (404 + Retry-After meanwhile).
    while code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" "$APP/api/files/$photo_id/thumbnail?size=grid") \
        && [[ $code == 404 ]] && (($(date +%s%N) - start < 60000000000)); do
        sleep 0.02
    done
    [[ $code == 200 ]] || die "the thumbnail of the 24-megapixel JPEG answered $code"
    thumb_ms+=("$((($(date +%s%N) - start) / 1000000))")
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
    v=$(cat "$WORK/thumb-rss" 2>/dev/null || echo 0); ((v > thumb_rss_peak)) && thumb_rss_peak=$v
    thumb_get_ms+=("$(awk -v s="$(timed "$APP/api/files/$photo_id/thumbnail?size=list")" 'BEGIN { print s * 1000 }')")
done

# --- the gallery: a folder of 200 photos in the grid layout, thumbnails made on demand, then made ------------

# A second instance on its own data: the photos go in with thumbnails off (as files from before thumbnails
# existed), then it restarts with them on, so the first visit asks for every thumbnail and waits for them.
GALLERY_PHOTOS=200
log "gallery: $GALLERY_PHOTOS photos ($GALLERY_W x $GALLERY_H), uploaded with thumbnails off"
(cd "$BENCH_ROOT/tools" && dotnet run make-photo.cs "$WORK/gallery.jpg" "$GALLERY_W" "$GALLERY_H" >/dev/null) || die "could not make the gallery photo"
start_app "$WORK/data5" "$WORK/app5.log" Vault__Thumbnails__Enabled=false
APP5_PID=$STARTED_PID APP5=$STARTED_URL
register gallery "$WORK/gallery.cookies" "$APP5"
TOKEN5=$(curl -fsS "$APP5/api/token" -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg p "$PASSWORD" '{userName: "gallery", password: $p}')" | jq -r .access_token)
GALLERY_FOLDER=$(curl -fsS -X POST "$APP5/api/folders" -H "Authorization: Bearer $TOKEN5" -H 'Content-Type: application/json' \
    -d '{"name":"photos"}' | jq -r .id)
for ((i = 1; i <= GALLERY_PHOTOS; i++)); do
    # Each photo its own content (bytes after a JPEG's end are ignored), so each needs its own thumbnail.
    { cat "$WORK/gallery.jpg"; printf 'photo %d' "$i"; } >"$WORK/gallery-one.jpg"
    curl -fsS -o /dev/null -X POST "$APP5/api/files?name=IMG_$(printf '%04d' "$i").jpg&folderId=$GALLERY_FOLDER" \
        -H "Authorization: Bearer $TOKEN5" -H 'Content-Type: image/jpeg' -T "$WORK/gallery-one.jpg"
done
kill -TERM "$APP5_PID" 2>/dev/null; wait "$APP5_PID" 2>/dev/null || true
start_app "$WORK/data5" "$WORK/app5.log"
APP5_PID=$STARTED_PID APP5=$STARTED_URL
log "gallery: first visit (thumbnails made on demand), then a second in a fresh browser (thumbnails made)"
browser gallery "$APP5" gallery "$PASSWORD" "$GALLERY_FOLDER" "$GALLERY_PHOTOS" first >"$WORK/gallery.jsonl"
browser gallery "$APP5" gallery "$PASSWORD" "$GALLERY_FOLDER" "$GALLERY_PHOTOS" made >>"$WORK/gallery.jsonl"
gallery_first_ms=$(jq -r 'select(.label == "first") | .ms' "$WORK/gallery.jsonl")
gallery_made_ms=$(jq -r 'select(.label == "made") | .ms' "$WORK/gallery.jsonl")
gallery_pages=$(jq -r 'select(.label == "first") | .pages' "$WORK/gallery.jsonl")
kill -TERM "$APP5_PID" 2>/dev/null; wait "$APP5_PID" 2>/dev/null || true; APP5_PID=''

# --- the same app on PostgreSQL + S3 (s3rver), beside SQLite + the file system ---------------------------

PG_BIN=$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)")
# pg_as <command...>: as root, PostgreSQL's tools run as the postgres user (initdb refuses root).
pg_as() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PG_DATA=$WORK/pg PG_PORT=$(free_port)
mkdir -p "$PG_DATA" && [[ $(id -u) == 0 ]] && chown postgres "$PG_DATA"
pg_as "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U vault --no-sync >/dev/null
pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$PG_DATA/log" -o "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1" start >/dev/null
pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U vault vault
S3_PORT=$(free_port)
mkdir -p "$WORK/s3"
NODE_OPTIONS=--openssl-legacy-provider s3rver -d "$WORK/s3" -a 127.0.0.1 -p "$S3_PORT" --silent >"$WORK/s3.log" 2>&1 &
S3_PID=$!
for _ in {1..100}; do curl -s -o /dev/null "http://127.0.0.1:$S3_PORT/" && break; sleep 0.1; done
curl -fsS -X PUT "http://127.0.0.1:$S3_PORT/vault" -o /dev/null || die "s3rver did not start (see $WORK/s3.log)"
start_app "$WORK/data4" "$WORK/app4.log" Vault__Database__Provider=PostgreSql \
    "ConnectionStrings__Vault=Host=127.0.0.1;Port=$PG_PORT;Database=vault;Username=vault" \
    Vault__Storage__Provider=S3 "Vault__Storage__S3__ServiceUrl=http://127.0.0.1:$S3_PORT" Vault__Storage__S3__Bucket=vault \
    Vault__Storage__S3__AccessKey=S3RVER Vault__Storage__S3__SecretKey=S3RVER Vault__Storage__S3__ForcePathStyle=true
APP4_PID=$STARTED_PID APP4=$STARTED_URL
log "PostgreSQL + S3 instance pid $APP4_PID on $APP4 (PostgreSQL on $PG_PORT, s3rver on $S3_PORT)"
register bench "$WORK/bench4.cookies" "$APP4"
TOKEN4=$(curl -fsS "$APP4/api/token" -H 'Content-Type: application/json' \
    -d "$(jq -nc --arg u bench --arg p "$PASSWORD" '{userName: $u, password: $p}')" | jq -r .access_token)
[[ -n $TOKEN4 && $TOKEN4 != null ]] || die "no bearer token on the PostgreSQL + S3 instance"
SMALL4_ID=$(curl -fsS -X POST "$APP4/api/files?name=small.bin" -H "Authorization: Bearer $TOKEN4" \
    -H 'Content-Type: application/octet-stream' -T "$SMALL" | jq -r .id)
ps_up=() r_ps_up=() ps_dl=() r_ps_dl=() ps_rps=() r_ps_rps=()
for ((run = 1; run <= RUNS; run++)); do
    log "PostgreSQL + S3 vs SQLite + file system, run $run/$RUNS"
    sync
    ext=$(mbps "$BIG_BYTES" "$(timed_upload -X POST "$APP4/api/files?name=big-pg-$run.bin" -H "Authorization: Bearer $TOKEN4" \
        -H 'Content-Type: application/octet-stream' -T "$BIG")")
    sync
    emb=$(mbps "$BIG_BYTES" "$(timed_upload -X POST "$APP/api/files?name=big-emb-$run.bin" -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/octet-stream' -T "$BIG")")
    ps_up+=("$ext") r_ps_up+=("$(ratio "$ext" "$emb")")
    ext_id=$(curl -fsS "$APP4/api/files?q=big-pg-$run.bin&pageSize=1" -H "Authorization: Bearer $TOKEN4" | jq -r '.items[0].id')
    ext=$(timed_download "$APP4/api/files/$ext_id/content" -H "Authorization: Bearer $TOKEN4")
    emb=$(timed_download "$APP/api/files/$BIG_ID/content" -H "Authorization: Bearer $TOKEN")
    ps_dl+=("$ext") r_ps_dl+=("$(ratio "$ext" "$emb")")
    ext=$(rps "$APP4/api/files/$SMALL4_ID/content" "Authorization: Bearer $TOKEN4")
    emb=$(rps "$APP/api/files/$SMALL_ID/content" "Authorization: Bearer $TOKEN")
    ps_rps+=("$ext") r_ps_rps+=("$(ratio "$ext" "$emb")")
done
kill -TERM "$APP4_PID" 2>/dev/null; wait "$APP4_PID" 2>/dev/null || true; APP4_PID=''

# --- the table ----------------------------------------------------------------------------------------

med() { printf '%s\n' "$@" | median; }
up_api=$(med "${api_up[@]}") up_dav=$(med "${dav_up[@]}") up_dd=$(med "${dd_up[@]}")
rup_dav=$(med "${r_up_dav[@]}") rup_dd=$(med "${r_up_dd[@]}")
d_b=$(med "${dl_bearer[@]}") d_c=$(med "${dl_cookie[@]}") d_l=$(med "${dl_link[@]}") d_n=$(med "${dl_nginx[@]}")
rd_b=$(med "${r_dl_bearer[@]}") rd_c=$(med "${r_dl_cookie[@]}") rd_l=$(med "${r_dl_link[@]}")
q_b=$(med "${rps_bearer[@]}") q_l=$(med "${rps_link[@]}") q_n=$(med "${rps_nginx[@]}")
rq_b=$(med "${r_rps_bearer[@]}") rq_l=$(med "${r_rps_link[@]}")
b_sig=$(med "${br_sig[@]}") b_tus=$(med "${br_tus[@]}") b_fe=$(med "${br_fetch[@]}")
rb_tus=$(med "${r_br_tus[@]}") rb_sig=$(med "${r_br_sig[@]}")
up_tus=$(med "${tus_up[@]}") rtus_dav=$(med "${r_tus_dav[@]}") rtus_api=$(med "${r_tus_api[@]}")

size_label() { (($1 >= 1024)) && echo "$(($1 / 1024)) GiB" || echo "$1 MiB"; }
BIG_L=$(size_label "$BIG_MIB") RSS_L=$(size_label "$RSS_MIB")

cat <<EOF

$( [[ ${BENCH_QUICK:-0} == 1 ]] && echo '**BENCH_QUICK=1: small sizes and few runs; a smoke test, not a measurement.**' && echo)
Medians of $RUNS runs (browser upload: $BROWSER_RUNS, threshold sweep: $THRESHOLD_RUNS, render: $RENDER_LOADS loads after a warm-up); ratios are taken within each run, then their median. MB/s = 10^6 bytes/s.

| Measurement | BlazorVault | Reference | Ratio | Target | Verdict |
|---|---:|---:|---:|---:|---|
| $BIG_L upload, API POST (curl -T, streamed from the file) vs nginx WebDAV PUT | $(fmt1 "$up_api") MB/s | $(fmt1 "$up_dav") MB/s | $(fmtr "$rup_dav") | >= 0.6 | $(met "$rup_dav" '>=' 0.6) |
| $BIG_L upload, API POST vs dd conv=fsync (same disk) | $(fmt1 "$up_api") MB/s | $(fmt1 "$up_dd") MB/s | $(fmtr "$rup_dd") | – | – |
| $BIG_L upload, tus API (creation POST + one PATCH, curl -T, no chunking) vs nginx WebDAV PUT | $(fmt1 "$up_tus") MB/s | $(fmt1 "$up_dav") MB/s | $(fmtr "$rtus_dav") | >= 0.6 | $(met "$rtus_dav" '>=' 0.6) |
| $BIG_L upload, tus API vs plain API POST | $(fmt1 "$up_tus") MB/s | $(fmt1 "$up_api") MB/s | $(fmtr "$rtus_api") | – | – |
| $BIG_L download, owner bearer /api/files/{id}/content vs nginx | $(fmt1 "$d_b") MB/s | $(fmt1 "$d_n") MB/s | $(fmtr "$rd_b") | >= 0.7 | $(met "$rd_b" '>=' 0.7) |
| $BIG_L download, owner cookie /download/{id} vs nginx | $(fmt1 "$d_c") MB/s | $(fmt1 "$d_n") MB/s | $(fmtr "$rd_c") | >= 0.7 | $(met "$rd_c" '>=' 0.7) |
| $BIG_L download, share link /s/{id}/download (its 302 to the download grant followed) vs nginx | $(fmt1 "$d_l") MB/s | $(fmt1 "$d_n") MB/s | $(fmtr "$rd_l") | >= 0.7 | $(met "$rd_l" '>=' 0.7) |
| $BIG_L download, owner bearer, behind nginx with X-Accel-Redirect (Vault:Downloads:AccelRedirect) vs nginx serving the file | $(fmt1 "$(med "${dl_accel[@]}")") MB/s | $(fmt1 "$d_n") MB/s | $(fmtr "$(med "${r_dl_accel[@]}")") | >= 0.9 | $(met "$(med "${r_dl_accel[@]}")" '>=' 0.9) |
| $BIG_L download, share link (302 followed), behind nginx with X-Accel-Redirect vs nginx serving the file | $(fmt1 "$(med "${dl_accel_link[@]}")") MB/s | $(fmt1 "$d_n") MB/s | $(fmtr "$(med "${r_dl_accel_link[@]}")") | >= 0.9 | $(met "$(med "${r_dl_accel_link[@]}")" '>=' 0.9) |
| 4 KiB download, the bare endpoint (same app and bytes, no sign-in, no database), wrk -c$WRK_CONNECTIONS ${WRK_SECONDS}s, vs nginx | $(fmt0 "$(med "${rps_bare[@]}")") req/s | $(fmt0 "$q_n") req/s | $(fmtr "$(med "${r_bare_nginx[@]}")") | – | – |
| 4 KiB download, the checked endpoint (the same bytes behind the bearer policy: the token's user checked in the database, one statement, nothing else), vs the bare endpoint | $(fmt0 "$(med "${rps_checked[@]}")") req/s | $(fmt0 "$(med "${rps_bare[@]}")") req/s | $(fmtr "$(med "${r_bare_checked[@]}")") | – | – |
| 4 KiB download, owner bearer, vs the bare endpoint | $(fmt0 "$q_b") req/s | $(fmt0 "$(med "${rps_bare[@]}")") req/s | $(fmtr "$(med "${r_bare_bearer[@]}")") | >= 0.6 | $(met "$(med "${r_bare_bearer[@]}")" '>=' 0.6) |
| 4 KiB download, owner cookie /download/{id}, vs the bare endpoint | $(fmt0 "$(med "${rps_cookie[@]}")") req/s | $(fmt0 "$(med "${rps_bare[@]}")") req/s | $(fmtr "$(med "${r_bare_cookie[@]}")") | >= 0.6 | $(met "$(med "${r_bare_cookie[@]}")" '>=' 0.6) |
| 4 KiB download, share link's download grant (no limit), vs the bare endpoint | $(fmt0 "$q_l") req/s | $(fmt0 "$(med "${rps_bare[@]}")") req/s | $(fmtr "$(med "${r_bare_link[@]}")") | >= 0.6 | $(met "$(med "${r_bare_link[@]}")" '>=' 0.6) |
| 4 KiB download, share link's download grant (with a download limit), vs the bare endpoint | $(fmt0 "$(med "${rps_limited[@]}")") req/s | $(fmt0 "$(med "${rps_bare[@]}")") req/s | $(fmtr "$(med "${r_bare_limited[@]}")") | >= 0.6 | $(met "$(med "${r_bare_limited[@]}")" '>=' 0.6) |
| 4 KiB share link (no limit), p99 latency vs the bare endpoint's | $(fmt1 "$(med "${p99_link[@]}")") ms | $(fmt1 "$(med "${p99_bare[@]}")") ms | $(fmtr "$(med "${r_p99_link[@]}")") | <= 3 | $(met "$(med "${r_p99_link[@]}")" '<=' 3) |
| 4 KiB share link (with a limit), p99 latency vs the bare endpoint's | $(fmt1 "$(med "${p99_limited[@]}")") ms | $(fmt1 "$(med "${p99_bare[@]}")") ms | $(fmtr "$(med "${r_p99_limited[@]}")") | <= 3 | $(met "$(med "${r_p99_limited[@]}")" '<=' 3) |
| 4 KiB download, owner bearer, vs nginx | $(fmt0 "$q_b") req/s | $(fmt0 "$q_n") req/s | $(fmtr "$rq_b") | – | – |
| 4 KiB download, share link's download grant, vs nginx | $(fmt0 "$q_l") req/s | $(fmt0 "$q_n") req/s | $(fmtr "$rq_l") | – | – |
| Peak RSS during a $RSS_L upload + $RSS_L download at once (RSS before: $rss_before_mib MiB) | $rss_peak_mib MiB | – | – | <= 250 MiB | $(met "$rss_peak_mib" '<=' 250) |
| Browser upload $BROWSER_MIB MiB: dashboard over HTTP (tus, one PATCH) vs fetch() POST /api/files | $(fmt1 "$b_tus") MB/s | $(fmt1 "$b_fe") MB/s | $(fmtr "$rb_tus") | >= 0.8 | $(met "$rb_tus" '>=' 0.8) |
| Browser upload $BROWSER_MIB MiB: dashboard over SignalR (InputFile, threshold raised) vs fetch() POST /api/files | $(fmt1 "$b_sig") MB/s | $(fmt1 "$b_fe") MB/s | $(fmtr "$rb_sig") | – | – |
| Peak RSS during the browser uploads ($BROWSER_RUNS × $BROWSER_MIB MiB each way): tus + fetch() instance | $(mib "$br_rss_peak") MiB | $(mib "$br_rss_before") MiB before | – | – | – |
| Peak RSS during the browser uploads ($BROWSER_RUNS × $BROWSER_MIB MiB): SignalR instance | $(mib "$br2_rss_peak") MiB | $(mib "$br2_rss_before") MiB before | – | – | – |
$(for kib in "${THRESHOLD_KIB[@]}"; do
    echo "| Dashboard upload $( ((kib >= 1024)) && echo "$((kib / 1024)) MiB" || echo "$kib KiB"), choice to Stored row: over tus vs over the circuit | $(fmt0 "${th_tus[$kib]}") ms | $(fmt0 "${th_sig[$kib]}") ms | $(fmtr "$(ratio "${th_sig[$kib]}" "${th_tus[$kib]}")") | – | – |"
done)
| Dashboard render, $RENDER_SMALL files (navigation to rows visible) | $(fmt0 "${render_ms[small]}") ms | – | – | – | – |
| Dashboard render, $RENDER_LARGE files (navigation to rows visible) | $(fmt0 "${render_ms[large]}") ms | $(fmt0 "${render_ms[small]}") ms (10 files) | $(fmtr "$(ratio "${render_ms[large]}" "${render_ms[small]}")") | – | – |
| Folder listing, first page of 50 by name: $TREE_LARGE files vs $RENDER_SMALL files (GET /api/folders/{id}/children) | $(fmt1 "$(awk -v s="$(med "${list_large[@]}")" 'BEGIN { print s * 1000 }')") ms | $(fmt1 "$(awk -v s="$(med "${list_small[@]}")" 'BEGIN { print s * 1000 }')") ms | $(fmtr "$(med "${r_list[@]}")") | <= 1.5 | $(met "$(med "${r_list[@]}")" '<=' 1.5) |
| Trash a folder of $TREE_LARGE files (DELETE /api/folders/{id}) | $(fmt0 "$(awk -v s="$(med "${trash_s[@]}")" 'BEGIN { print s * 1000 }')") ms | – | – | <= 1000 ms | $(met "$(awk -v s="$(med "${trash_s[@]}")" 'BEGIN { print s * 1000 }')" '<=' 1000) |
| Restore it from the trash (POST /api/trash/{id}/restore) | $(fmt0 "$(awk -v s="$(med "${restore_s[@]}")" 'BEGIN { print s * 1000 }')") ms | – | – | <= 1000 ms | $(met "$(awk -v s="$(med "${restore_s[@]}")" 'BEGIN { print s * 1000 }')" '<=' 1000) |
| ZIP of a $BIG_L folder of $ZIP_FILES files vs the single $BIG_L file download (bearer), same run | $(fmt1 "$(med "${zip_rate[@]}")") MB/s | $(fmt1 "$d_b") MB/s | $(fmtr "$(med "${r_zip[@]}")") | >= 0.7 | $(met "$(med "${r_zip[@]}")" '>=' 0.7) |
| Peak RSS while the folder ZIP streams (RSS before: $(mib "$zip_rss_before") MiB) | $(mib "$zip_rss_peak") MiB | – | – | – | – |
| Thumbnails (480 px and 128 px WebP) of a 24-megapixel JPEG ($(mib "$((PHOTO_BYTES / 1024))") MiB), upload answered to thumbnail served | $(fmt0 "$(med "${thumb_ms[@]}")") ms | – | – | – | – |
| A ready thumbnail, GET (list size) | $(fmt1 "$(med "${thumb_get_ms[@]}")") ms | – | – | – | – |
| Peak RSS while the thumbnails are made (RSS before: $(mib "$thumb_rss_before") MiB) | $(mib "$thumb_rss_peak") MiB | – | – | – | – |
| A folder of $GALLERY_PHOTOS photos ($(awk -v w="$GALLERY_W" -v h="$GALLERY_H" 'BEGIN { printf "%.1f", w * h / 1e6 }') MP each) in the grid layout, first visit: navigation to every thumbnail shown ($gallery_pages pages of 100, each scrolled through; all made on demand) | $(fmt0 "$gallery_first_ms") ms | – | – | – | – |
| The same, a second visit in a fresh browser (thumbnails made, nothing in the browser's cache) | $(fmt0 "$gallery_made_ms") ms | $(fmt0 "$gallery_first_ms") ms (first) | $(fmtr "$(ratio "$gallery_made_ms" "$gallery_first_ms")") | – | – |
| $BIG_L upload, API POST: PostgreSQL + S3 (s3rver) vs SQLite + file system, same run | $(fmt1 "$(med "${ps_up[@]}")") MB/s | $(fmt1 "$up_api") MB/s | $(fmtr "$(med "${r_ps_up[@]}")") | – | – |
| $BIG_L download, owner bearer: PostgreSQL + S3 vs SQLite + file system | $(fmt1 "$(med "${ps_dl[@]}")") MB/s | $(fmt1 "$d_b") MB/s | $(fmtr "$(med "${r_ps_dl[@]}")") | – | – |
| 4 KiB download, owner bearer, wrk: PostgreSQL + S3 vs SQLite + file system | $(fmt0 "$(med "${ps_rps[@]}")") req/s | $(fmt0 "$q_b") req/s | $(fmtr "$(med "${r_ps_rps[@]}")") | – | – |
EOF
log "done"
