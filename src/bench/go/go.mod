module vtstatus/bench/go

go 1.19
