// Command flinksim simulates Apache Flink jobs and their failure modes on a
// virtual clock. Run "flinksim --help".
package main

import "os"

func main() { os.Exit(execute(os.Args[1:], os.Stdout, os.Stderr)) }
