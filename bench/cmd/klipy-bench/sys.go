package main

import "runtime"

func numCPU() int    { return runtime.NumCPU() }
func goos() string   { return runtime.GOOS }
func goarch() string { return runtime.GOARCH }
