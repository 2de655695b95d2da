#!/usr/bin/env bash
# The issue's "finished job": ssh into vm-ready, run the sandbox published on the VM's loopback,
# ping it from inside; from the workstation the port is refused. docker inspect/logs/rm work.
source "$(dirname "$0")/common.sh"
T="$AIO_TB_USER@$AIO_TB_VM_READY_IP"
ssh_key "$AIO_TB_KEY" "$T" 'docker rm -f tb-ping >/dev/null 2>&1; true'
out=$(ssh_key "$AIO_TB_KEY" "$T" "docker run -d --name tb-ping --memory 512m --cpus 1 --restart unless-stopped \
    --security-opt seccomp=unconfined -p 127.0.0.1:8080:8080 $AIO_TB_SANDBOX_IMAGE >/dev/null &&
    for i in \$(seq 1 50); do curl -s --max-time 2 127.0.0.1:8080/v1/ping && break; sleep 0.2; done")
expect "ping answers inside the VM" grep -q '"status": "ok"' <<<"$out"
expect_not "port 8080 refused from the workstation" curl -s --max-time 3 -o /dev/null "http://$AIO_TB_VM_READY_IP:8080/"
insp=$(ssh_key "$AIO_TB_KEY" "$T" 'docker inspect -f "{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{(index (index .HostConfig.PortBindings \"8080/tcp\") 0).HostIp}} {{.HostConfig.RestartPolicy.Name}}" tb-ping')
expect "inspect shows limits, loopback binding and restart policy ($insp)" test "$insp" = "536870912 1000000000 127.0.0.1 unless-stopped"
logs=$(ssh_key "$AIO_TB_KEY" "$T" 'docker logs tb-ping 2>&1')
expect "docker logs carries the banner" grep -q 'AIO Sandbox' <<<"$logs"
expect "docker logs carries the image version" grep -q 'Image Version: ' <<<"$logs"
expect "docker logs warns that no authentication is configured" grep -q 'WARNING: SECURITY RISK - NO AUTHENTICATION CONFIGURED' <<<"$logs"
expect_not "access lines are not on stdout (as in the image)" grep -q '"GET /v1/ping HTTP/1.1"' <<<"$logs"
expect "access lines are in /var/log/gem/nginx-access.log" bash -c "ssh ${SSH_OPTS[*]} -i $AIO_TB_KEY $T 'docker exec tb-ping cat /var/log/gem/nginx-access.log' | grep -q '\"GET /v1/ping HTTP/1.1\" 200'"
expect "docker logs -f streams (bounded)" bash -c "timeout 3 ssh ${SSH_OPTS[*]} -i $AIO_TB_KEY $T 'docker logs -f tb-ping' | grep -q 'AIO Sandbox'"
expect "the mirror name is present" ssh_key "$AIO_TB_KEY" "$T" "docker image inspect $AIO_TB_SANDBOX_MIRROR_IMAGE >/dev/null"
expect "docker pull of the real name (local registry)" ssh_key "$AIO_TB_KEY" "$T" "docker pull -q $AIO_TB_SANDBOX_IMAGE >/dev/null"
expect "docker pull of the mirror name" ssh_key "$AIO_TB_KEY" "$T" "docker pull -q $AIO_TB_SANDBOX_MIRROR_IMAGE >/dev/null"
# The image's own authentication and its weaknesses, seen inside the VM (as the packed image runs them).
ssh_key "$AIO_TB_KEY" "$T" 'docker rm -f tb-auth >/dev/null 2>&1; true'
ssh_key "$AIO_TB_KEY" "$T" "docker run -d --name tb-auth -e SANDBOX_API_KEY=tb-key-0123456789 -p 127.0.0.1:8081:8080 \
    $AIO_TB_SANDBOX_IMAGE >/dev/null && for i in \$(seq 1 50); do curl -s --max-time 2 127.0.0.1:8081/v1/ping && break; sleep 0.2; done >/dev/null"
code() { ssh_key "$AIO_TB_KEY" "$T" "curl -s -o /dev/null -w '%{http_code}' --max-time 5 $*"; }
expect "anonymous /v1/sandbox refused" test "$(code 127.0.0.1:8081/v1/sandbox)" = 401
expect "the key is accepted" test "$(code -H X-AIO-API-Key:tb-key-0123456789 127.0.0.1:8081/v1/sandbox)" = 200
expect "GET /v1/ping open" test "$(code 127.0.0.1:8081/v1/ping)" = 200
expect "/v1/ping with a query is not" test "$(code "'127.0.0.1:8081/v1/ping?x=1'")" = 401
expect "static suffix ?x=.json skips auth" test "$(code "'127.0.0.1:8081/v1/sandbox?x=.json'")" = 200
expect "/v1/openapi.json is open" test "$(code 127.0.0.1:8081/v1/openapi.json)" = 200
expect "Host 8091-x reaches the API server without auth" test "$(code -H Host:8091-x 127.0.0.1:8081/v1/sandbox)" = 200
expect "Host 8081-x reaches the auth backend" test "$(code -H Host:8081-x 127.0.0.1:8081/auth)" = 401
expect "Host 9222-x: nothing listens, the gateway's error" test "$(code -H Host:9222-x 127.0.0.1:8081/)" = 502
expect "/auth with the key" test "$(code -H X-AIO-API-Key:tb-key-0123456789 127.0.0.1:8081/auth)" = 200
ssh_key "$AIO_TB_KEY" "$T" 'docker rm -f tb-auth >/dev/null'
expect "hostname is the VM's" test "$(ssh_key "$AIO_TB_KEY" "$T" hostname)" = vm-ready
expect "docker rm" ssh_key "$AIO_TB_KEY" "$T" 'docker rm -f tb-ping >/dev/null'
expect "container gone" test -z "$(ssh_key "$AIO_TB_KEY" "$T" 'docker ps -aq --filter name=tb-ping')"
finish
