package models

import "github.com/flinksim/flinksim/result"

// One sample's per-subtask values, in a flat slice reused every sample:
// a value's place is its node's offset, its subtask and its metric's id,
// so that sampling hashes nothing.

// The metrics a subtask's sample sets, as ids.
const (
	vIn = iota
	vOut
	vBusy
	vBackPressured
	vIdle
	vInPool
	vOutPool
	vPending
	vLagMax
	vProduced
	vStateSize
	vInputWM
	vOutputWM
	vWMLag
	vEmitLag
	vDrift
	vLateDropped
	vLateSideOutput
	vOpenWindows
	vAlignment
	vStartDelay
	vSoftBackPressured
	vHardBackPressured
	vIsBackPressured
	vBytesIn
	vBytesOut
	vFetchLag
	vRecordsSend
	vTotalCommittables
	vSuccessfulCommittables
	vAlreadyCommittedCommittables
	vFailedCommittables
	vRetriedCommittables
	vPendingCommittables
	vSourceIdle
	vInFloating
	vInExclusive
	vKafkaLag
	vDeployed // 1 when the subtask has an attempt deployed at the sample, whose metrics are reported (no metric)
	nVals
)

// valNames are the metric names of the ids.
var valNames = [nVals]string{
	result.MetricRecordsIn, result.MetricRecordsOut, result.MetricBusy, result.MetricBackPressured,
	result.MetricIdle, result.MetricInPool, result.MetricOutPool, result.MetricPending, result.MetricLagMax,
	result.MetricProduced, result.MetricStateSize, result.MetricInputWatermark, result.MetricOutputWatermark,
	result.MetricWatermarkLag, result.MetricEmitEventTimeLag, result.MetricAlignmentDrift,
	result.MetricLateDropped, result.MetricLateSideOutput, result.MetricOpenWindows,
	result.MetricAlignment, result.MetricStartDelay,
	result.MetricSoftBackPressured, result.MetricHardBackPressured, result.MetricIsBackPressured,
	result.MetricBytesIn, result.MetricBytesOut, result.MetricFetchEventTimeLag, result.MetricRecordsSend,
	result.MetricTotalCommittables, result.MetricSuccessfulCommittables, result.MetricAlreadyCommittedCommittables,
	result.MetricFailedCommittables, result.MetricRetriedCommittables, result.MetricPendingCommittables,
	result.MetricSourceIdleTime, result.MetricInFloating, result.MetricInExclusive,
	result.MetricKafkaLag, "(deployed)",
}

// valID is a metric's id (-1: not a per-subtask sampled metric).
func valID(metric string) int {
	for i, n := range valNames {
		if n == metric {
			return i
		}
	}
	return -1
}

// sampleVals holds one sample's values.
type sampleVals struct {
	v    []float64
	base []int // per node (nodeRT.idx): its first value
}

func newSampleVals(nodes []*nodeRT) sampleVals {
	sv := sampleVals{base: make([]int, len(nodes))}
	n := 0
	for _, rt := range nodes {
		sv.base[rt.idx] = n
		n += rt.spec.Parallelism * nVals
	}
	sv.v = make([]float64, n)
	return sv
}

// at is the place of node rt's subtask sub's value of metric id.
func (sv *sampleVals) at(rt *nodeRT, sub, id int) int { return sv.base[rt.idx] + sub*nVals + id }

// get is a value of this sample (0 when never set, or not sampled).
func (sv *sampleVals) get(rt *nodeRT, sub, id int) float64 {
	if id < 0 {
		return 0
	}
	return sv.v[sv.at(rt, sub, id)]
}

// b2f is a gauge's 1 or 0.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
