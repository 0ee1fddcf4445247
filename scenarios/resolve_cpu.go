package scenarios

import (
	"math"
	"strings"
)

// A TaskManager's cores, as Flink derives them for the resource manager
// that starts it: TaskExecutorProcessUtils.getCpuCoresWithFallback takes
// taskmanager.cpu.cores when the configuration has it, else a fallback
// above 0, else the number of slots. The fallback is the resource
// manager's: Kubernetes' KubernetesWorkerResourceSpecFactory passes
// kubernetes.taskmanager.cpu.amount (a pod's CPU request, any fraction),
// YARN's YarnWorkerResourceSpecFactory yarn.containers.vcores and rounds
// the result up to a whole vcore, at least 1. The TaskManager runs with
// that value as its taskmanager.cpu.cores (TaskExecutorProcessUtils
// .generateDynamicConfigsStr). A standalone cluster or a MiniCluster has
// neither fallback.

// executionTargets are DeploymentOptions.TARGET's values (yarn-per-job until
// Flink 2.0, FLINK-36310).
var executionTargets = []string{"remote", "local", "yarn-per-job", "yarn-session", "yarn-application",
	"kubernetes-session", "kubernetes-application"}

// Where the TaskManagers run, for their cores.
const (
	onOther      = "other" // a standalone cluster, a MiniCluster, or not said
	onKubernetes = "kubernetes"
	onYARN       = "yarn"
)

var (
	kubernetesCPUKeys = []string{"kubernetes.taskmanager.cpu.amount", "kubernetes.taskmanager.cpu.limit-factor"}
	yarnCPUKeys       = []string{"yarn.containers.vcores"}
)

// deployment is where the TaskManagers run: the execution.target's
// resource manager; left out or remote (a running cluster of any kind), the
// keys the scenario sets tell, and a scenario that sets both Kubernetes'
// and YARN's must say which in execution.target. The keys of the other
// resource manager are ignored, as Flink ignores them, with a warning.
func (r *resolver) deployment() string {
	fs := r.fs
	target := fs.str("execution.target")
	if target == "yarn-per-job" && !r.release.before("2.0") {
		r.d.at(fs.at("execution.target"), "Flink %s has no per-job mode (Flink 2.0 removed it, FLINK-36310): yarn-application or yarn-session", r.release)
		return onOther
	}
	k8s, yarn := r.givenAny(kubernetesCPUKeys), r.givenAny(yarnCPUKeys)
	on := onOther
	switch {
	case strings.HasPrefix(target, "kubernetes-"):
		on = onKubernetes
	case strings.HasPrefix(target, "yarn-"):
		on = onYARN
	case target == "local":
	case k8s != "" && yarn != "":
		r.d.at(fs.at(yarn), "%s and %s are both set: say where the job runs in execution.target (kubernetes-application, yarn-application, ...), whose resource manager reads one of them", k8s, yarn)
		return onOther
	case k8s != "":
		on = onKubernetes
	case yarn != "":
		on = onYARN
	}
	for _, k := range append(slicesIf(on != onKubernetes, kubernetesCPUKeys), slicesIf(on != onYARN, yarnCPUKeys)...) {
		if fs.given[k] {
			r.d.warn(r.d.nodes[fs.at(k)], fs.at(k), "ignored: execution.target is %s, and only %s resource manager reads it", target, managerOf(k))
		}
	}
	return on
}

func slicesIf(cond bool, s []string) []string {
	if cond {
		return s
	}
	return nil
}

func managerOf(key string) string {
	if strings.HasPrefix(key, "yarn.") {
		return "YARN's"
	}
	return "Kubernetes'"
}

// givenAny is the first of keys the scenario sets, "" for none.
func (r *resolver) givenAny(keys []string) string {
	for _, k := range keys {
		if r.fs.given[k] {
			return k
		}
	}
	return ""
}

// taskManagerCores is a TaskManager's cores where it runs (see above),
// with Flink's checks: a number of cores above 0 and finite (CPUResource),
// on YARN at most Integer.MAX_VALUE vcores, on Kubernetes a limit factor of
// at least 1 (KubernetesTaskManagerParameters.getTaskManagerCPULimitFactor).
func (r *resolver) taskManagerCores() float64 {
	fs := r.fs
	on := r.deployment()
	fallback := -1.0 // Flink's defaults
	switch on {
	case onKubernetes:
		if fs.has("kubernetes.taskmanager.cpu.amount") {
			fallback = fs.float("kubernetes.taskmanager.cpu.amount")
		}
	case onYARN:
		if fs.has("yarn.containers.vcores") {
			fallback = float64(fs.int("yarn.containers.vcores"))
		}
	}
	cores, from := float64(fs.int("taskmanager.numberOfTaskSlots")), "taskmanager.numberOfTaskSlots"
	switch {
	case fs.has("taskmanager.cpu.cores"): // above 0 and finite, as its parser checks
		cores, from = fs.float("taskmanager.cpu.cores"), "taskmanager.cpu.cores"
	case fallback > 0: // NaN is not
		cores, from = fallback, map[string]string{onKubernetes: "kubernetes.taskmanager.cpu.amount", onYARN: "yarn.containers.vcores"}[on]
		if math.IsInf(cores, 1) {
			r.d.at(fs.at(from), "Infinity cores: Flink's CPUResource holds a finite number (0 or less means the number of slots)")
			return 1
		}
	}
	switch on {
	case onYARN:
		vcores := max(math.Ceil(cores), 1)
		if vcores > math.MaxInt32 {
			r.d.at(fs.at(from), "%g cores are more vcores than YARN takes (Flink: at most Integer.MAX_VALUE, 2147483647)", vcores)
			return 1
		}
		return vcores
	case onKubernetes:
		r.cpuLimitFactor(cores)
	}
	return cores
}

// cpuLimitFactor checks kubernetes.taskmanager.cpu.limit-factor as Flink
// does when it creates a TaskManager's pod, and says that a limit above
// the request is not modelled.
func (r *resolver) cpuLimitFactor(request float64) {
	key := "kubernetes.taskmanager.cpu.limit-factor"
	if !r.fs.has(key) {
		return
	}
	f := r.fs.float(key)
	switch {
	case !(f >= 1): // NaN too, as Flink's checkArgument(limitFactor >= 1)
		r.d.at(r.fs.at(key), "%g: should be greater or equal to 1 (a pod's CPU limit is its request times this factor)", f)
	case math.IsInf(f, 1):
		r.d.at(r.fs.at(key), "Infinity: a pod's CPU limit is a finite number of cores (its request times this factor, at least 1)")
	case f > 1:
		r.d.warn(r.d.nodes[r.fs.at(key)], r.fs.at(key), "a TaskManager's pod may use up to %g cores (its request %g × %g) where its node has idle CPU; flinksim gives it its request, %g cores",
			request*f, request, f, request)
	}
}
