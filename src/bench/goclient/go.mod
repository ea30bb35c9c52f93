module vtstatus/bench/goclient

go 1.19
