#!/usr/bin/env bash
# vm-exposed is the bad deployment the app must recognise: sandbox on 0.0.0.0:8080, :latest,
# no auth, no limits, nginx proxying plain HTTP on port 80.
source "$(dirname "$0")/common.sh"
IP=$AIO_TB_VM_EXPOSED_IP
expect "8080 open to the network" curl -sf --max-time 5 -o /dev/null "http://$IP:8080/v1/sandbox"
expect "no auth on the API" curl -sf --max-time 5 -o /dev/null "http://$IP:8080/index.html"
expect "nginx proxies plain http on 80" bash -c "curl -s --max-time 5 http://$IP/ | grep -q '<title>AIO Sandbox</title>'"
expect_not "no TLS on 443" curl -sk --max-time 5 -o /dev/null "https://$IP/"
insp=$(ssh_key "$AIO_TB_KEY" "$AIO_TB_USER@$IP" 'docker inspect -f "{{.Config.Image}} {{.HostConfig.Memory}} {{(index (index .HostConfig.PortBindings \"8080/tcp\") 0).HostIp}}" sandbox')
expect "latest tag, no memory limit, all addresses ($insp)" test "$insp" = "$(echo "$AIO_TB_SANDBOX_IMAGE" | cut -d: -f1):latest 0 " -o "$insp" = "$(echo "$AIO_TB_SANDBOX_IMAGE" | cut -d: -f1):latest 0 0.0.0.0"
finish
