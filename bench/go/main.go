// Reference server for bench/http.sh: the smallest net/http server answering GET /status?job=ID
// with the simulator's JSON for a pending job, so its req/s is the yardstick for ours.
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
	flag.Parse()
	// Like a pending job: updated_at is when it was created, not when it is asked about.
	created := time.Now().UTC()
	http.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		b, _ := json.Marshal(status{r.URL.Query().Get("job"), "pending", "pending",
			created.Format("2006-01-02T15:04:05.000000Z")})
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})
	log.Fatal(http.ListenAndServe("127.0.0.1:"+*port, nil))
}
