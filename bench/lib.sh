# Shared by bench/run.sh and bench/soak.sh (sourced after they set $dir, $base, $pids).

wait_up() { for _ in $(seq 300); do curl -fs "$1" >/dev/null && return 0; sleep 0.2; done; echo "$1 did not start" >&2; exit 1; }

# Signs in the way a browser does; prints the session cookie.
cookie_of() {
  local jar="$dir/jar-$1" form csrf
  form=$(curl -fs -c "$jar" "$base/login")
  csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$form" | head -1 | sed 's/.*value="//; s/"$//')
  curl -fs -b "$jar" -c "$jar" -o /dev/null --data-urlencode "email=$1@demo.test" \
    --data-urlencode "password=demo-password" --data-urlencode "csrf=$csrf" "$base/login"
  awk '$6=="iop_session"{print "iop_session=" $7}' "$jar"
}

api() { curl -fs -H "Authorization: Bearer $token" "$base$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
