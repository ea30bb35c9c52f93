// A stand-in for the original Go take-home client, written from its documented behaviour, to
// check by hand that it works against our simulator:
//
//	java -jar target/vtstatus.jar server --port 8080 &
//	cd src/bench/goclient && go run . -server http://localhost:8080 -port 9090
//
// Like the original it serves POST /webhook on :PORT (decoding the body into a map of strings,
// answering 200), registers http://localhost:PORT/webhook with POST /register-webhook and
// accepts only 200 (the body is ignored), then polls GET /status (the default job) on a 4 s,
// 2 s, 1 s ladder of 10 polls, and returns on the first terminal word from either, or fails
// after 30 s. Exit status 0 when the job ended, 1 otherwise.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"time"
)

func main() {
	server := flag.String("server", "http://localhost:8080", "simulator base URL")
	port := flag.String("port", "9090", "webhook listener port")
	flag.Parse()

	got := make(chan string, 2)
	mux := http.NewServeMux()
	mux.HandleFunc("/webhook", func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
			log.Printf("webhook: not a map of strings: %v", err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		log.Printf("webhook: %v", m)
		w.WriteHeader(http.StatusOK)
		select {
		case got <- "webhook " + m["status"]:
		default:
		}
	})
	go func() { log.Fatal(http.ListenAndServe(":"+*port, mux)) }()
	time.Sleep(time.Second) // the listener must be up before we register it

	hook := fmt.Sprintf("http://localhost:%s/webhook", *port)
	reqBody, _ := json.Marshal(map[string]string{"url": hook})
	resp, err := http.Post(*server+"/register-webhook", "application/json", bytes.NewReader(reqBody))
	if err != nil {
		log.Fatalf("register: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		log.Printf("FAIL: register answered %d, the original client wants exactly 200", resp.StatusCode)
		os.Exit(1)
	}
	log.Printf("registered %s: %d", hook, resp.StatusCode)

	go func() {
		for i := 0; i < 10; i++ {
			s, err := status(*server)
			if err != nil {
				log.Printf("poll %d: %v", i+1, err)
			} else {
				log.Printf("poll %d: %s", i+1, s)
				if s == "completed" || s == "error" {
					select {
					case got <- "poll " + s:
					default:
					}
					return
				}
			}
			wait := 4 * time.Second
			if i > 5 {
				wait = 2 * time.Second
			}
			if i > 7 {
				wait = time.Second
			}
			time.Sleep(wait)
		}
	}()

	select {
	case r := <-got:
		log.Printf("PASS: job ended, first seen by %s", r)
	case <-time.After(30 * time.Second):
		log.Printf("FAIL: no terminal status within 30 s")
		os.Exit(1)
	}
}

func status(server string) (string, error) {
	resp, err := http.Get(server + "/status")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	var s struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return "", err
	}
	return s.Status, nil
}
