module github.com/flinksim/flinksim

go 1.26

require (
	github.com/dustin/go-humanize v1.1.0 // indirect
	go.yaml.in/yaml/v3 v3.0.6 // indirect
)
