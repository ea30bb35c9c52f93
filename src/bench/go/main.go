// Reference servers for src/bench/http.sh: the smallest net/http server answering GET /status?job=ID
// with the simulator's JSON for a pending job, so its req/s is the yardstick for ours.
//
//	-mode fixed    writes one byte slice built at start-up: like for like with the simulator,
//	               which builds a job's body once per state and serves the cached bytes
//	-mode marshal  json.Marshal per request (the original server's way)
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"time"
)

type status struct {
	Job       string `json:"job"`
	Result    string `json:"result"`
	Status    string `json:"status"`
	UpdatedAt string `json:"updated_at"`
}

func main() {
	port := flag.String("port", "8081", "port to listen on at 127.0.0.1")
	mode := flag.String("mode", "marshal", "fixed or marshal")
	job := flag.String("job", "job_0123456789abcdef", "the job id in the fixed body")
	flag.Parse()
	// Like a pending job: updated_at is when it was created, not when it is asked about.
	created := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	var handler http.HandlerFunc
	switch *mode {
	case "fixed":
		body, _ := json.Marshal(status{*job, "pending", "pending", created})
		handler = func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(body)
		}
	case "marshal":
		handler = func(w http.ResponseWriter, r *http.Request) {
			b, _ := json.Marshal(status{r.URL.Query().Get("job"), "pending", "pending", created})
			w.Header().Set("Content-Type", "application/json")
			w.Write(b)
		}
	default:
		log.Fatalf("unknown -mode %q (want fixed or marshal)", *mode)
	}
	http.HandleFunc("/status", handler)
	log.Fatal(http.ListenAndServe("127.0.0.1:"+*port, nil))
}
