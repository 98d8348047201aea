package cli

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strings"
)

// The login scripts run the real sfsim binary (registered by the verify
// scripts) and, for the proxy, fakeproxy below.
func init() {
	scriptPrograms["fakeproxy"] = runFakeProxy
}

// runFakeProxy is `fakeproxy READYFILE LOGFILE`: an HTTP proxy on 127.0.0.1
// that connects nowhere. It writes its URL to READYFILE, appends the request
// line of every request it gets (CONNECT host:443 HTTP/1.1) to LOGFILE, and
// refuses each with 403, so a script can see that kollenoctl used the proxy
// without any traffic leaving the machine.
func runFakeProxy() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: fakeproxy READYFILE LOGFILE")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "fakeproxy:", err)
		os.Exit(1)
	}
	url := []byte("http://" + ln.Addr().String() + "\n")
	if err := os.WriteFile(os.Args[1], url, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "fakeproxy:", err)
		os.Exit(1)
	}
	for {
		conn, err := ln.Accept()
		if err != nil {
			os.Exit(0)
		}
		refuseProxyRequest(conn, os.Args[2])
	}
}

func refuseProxyRequest(conn net.Conn, logPath string) {
	defer conn.Close()
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return
	}
	if f, err := os.OpenFile(logPath, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
		fmt.Fprintln(f, strings.TrimSpace(line))
		f.Close()
	}
	fmt.Fprint(conn, "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
}
