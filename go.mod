module github.com/flinksim/flinksim

go 1.26
