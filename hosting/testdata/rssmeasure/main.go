// Command rssmeasure sends N session-based initialize requests (from one
// key: the server's sandbox key) to a running klipy-mcp http server and
// prints the server's resident set before and after, read from /proc. It is
// the measurement behind the session caps in docs/hosting.md:
//
//	go build -o /tmp/klipy-mcp ./cmd/klipy-mcp
//	/tmp/klipy-mcp http --sandbox --addr 127.0.0.1:18080 --log-level error & pid=$!
//	go run ./hosting/testdata/rssmeasure -pid $pid -n 5000; kill $pid
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

const initBody = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`

func rss(pid int) int64 {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return -1
}

func main() {
	url := flag.String("url", "http://127.0.0.1:18080/mcp", "")
	pid := flag.Int("pid", 0, "")
	n := flag.Int("n", 5000, "")
	flag.Parse()
	send := func() {
		req, _ := http.NewRequest("POST", *url, bytes.NewReader([]byte(initBody)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	for range 20 { // warm up: the first sessions, handlers, pools
		send()
	}
	time.Sleep(time.Second)
	before := rss(*pid)
	start := time.Now()
	for range *n {
		send()
	}
	time.Sleep(time.Second)
	after := rss(*pid)
	fmt.Printf("%d initialize in %v: RSS %.1f MiB -> %.1f MiB (%+.1f MiB)\n", *n, time.Since(start).Round(time.Millisecond),
		float64(before)/(1<<20), float64(after)/(1<<20), float64(after-before)/(1<<20))
}
