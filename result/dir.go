package result

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/flinksim/flinksim/internal/atomicfile"
)

// The files of a run directory that hold a Result.
const (
	FileSummary           = "summary.json"
	FileMetrics           = "metrics.csv"
	FileCheckpoints       = "checkpoints.json"        // with checkpointing
	FileCheckpointDetails = "checkpoint-details.json" // with checkpointing
	FileCheckpointConfig  = "checkpoint-config.json"  // with checkpointing
	FileCheckpointHistory = "checkpoint-history.json" // with checkpointing: every checkpoint, read back
)

// WriteDir writes the run's files into dir, each through
// internal/atomicfile: summary.json and metrics.csv, and with checkpointing
// checkpoints.json, checkpoint-history.json, checkpoint-details.json and
// checkpoint-config.json. The caller stages dir, so that the set with the
// other outputs appears at once.
func (r *Result) WriteDir(dir string) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{{FileSummary, r.WriteSummaryJSON}, {FileMetrics, r.WriteMetricsCSV}}
	if r.Summary.Checkpoints != nil {
		files = append(files, []struct {
			name  string
			write func(io.Writer) error
		}{{FileCheckpoints, r.WriteCheckpointsJSON}, {FileCheckpointHistory, r.WriteCheckpointHistoryJSON},
			{FileCheckpointDetails, r.WriteCheckpointDetailsJSON}}...)
		if r.CheckpointConfig != nil {
			files = append(files, struct {
				name  string
				write func(io.Writer) error
			}{FileCheckpointConfig, r.WriteCheckpointConfigJSON})
		}
	}
	for _, f := range files {
		if err := atomicfile.WriteFile(filepath.Join(dir, f.name), f.write); err != nil {
			return err
		}
	}
	return nil
}

// ReadDir reads back a run WriteDir wrote (see ReadResult for what the
// files do not hold). A missing summary.json or metrics.csv is an error
// that matches fs.ErrNotExist; the checkpoints are read from
// checkpoint-history.json, or checkpoints.json (its latest only) in a
// directory written before it, when present.
func ReadDir(dir string) (*Result, error) {
	sum, err := os.Open(filepath.Join(dir, FileSummary))
	if err != nil {
		return nil, err
	}
	defer sum.Close()
	csv, err := os.Open(filepath.Join(dir, FileMetrics))
	if err != nil {
		return nil, err
	}
	defer csv.Close()
	var ckr io.Reader
	ck, err := os.Open(filepath.Join(dir, FileCheckpointHistory))
	if errors.Is(err, fs.ErrNotExist) {
		ck, err = os.Open(filepath.Join(dir, FileCheckpoints))
	}
	switch {
	case err == nil:
		defer ck.Close()
		ckr = ck
	case !errors.Is(err, fs.ErrNotExist):
		return nil, err
	}
	res, err := ReadResult(sum, csv, ckr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	return res, nil
}
