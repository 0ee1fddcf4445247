package scenarios

import (
	"strings"
	"testing"
)

// TestTaskManagerCoresAsFlinkDerivesThem: a TaskManager's cores follow
// TaskExecutorProcessUtils.getCpuCoresWithFallback with the fallback of the
// resource manager that starts it (KubernetesWorkerResourceSpecFactory,
// YarnWorkerResourceSpecFactory): taskmanager.cpu.cores when set, else the
// fallback when above 0, else the slots; YARN rounds up to a whole vcore.
// Values parse as Flink's Configuration parses them, under the names each
// release reads, and bad ones are reported where they are written.
func TestTaskManagerCoresAsFlinkDerivesThem(t *testing.T) {
	for _, c := range coresCases {
		t.Run(c.name, func(t *testing.T) { checkCores(t, c.block, c.version, c.cores, c.problem) })
	}
}

// coresCases: a flink: block (and flink-version), and the cores it gives
// with the warning it draws, or 0 and the error.
var coresCases = []struct {
	name, block string
	version     string
	cores       float64
	problem     string // an error, or (with cores) a warning
}{
	{"the slots", "taskmanager.numberOfTaskSlots: 4", "", 4, ""},
	{"cpu.cores", "taskmanager.numberOfTaskSlots: 4\ntaskmanager.cpu.cores: 2.5", "", 2.5, ""},
	{"k8s amount", "kubernetes.taskmanager.cpu.amount: 0.5", "", 0.5, ""},
	{"k8s old name", "kubernetes.taskmanager.cpu: 1.5", "", 1.5, ""},
	{"k8s Java form", "kubernetes.taskmanager.cpu.amount: 2.0f", "", 2, ""},
	{"k8s new name over old", "kubernetes.taskmanager.cpu: 3\nkubernetes.taskmanager.cpu.amount: 2", "", 2,
		"flink.kubernetes.taskmanager.cpu: ignored: kubernetes.taskmanager.cpu.amount is set too"},
	{"cpu.cores over k8s", "taskmanager.cpu.cores: 3\nkubernetes.taskmanager.cpu.amount: 2", "", 3, ""},
	{"k8s 0: the slots", "taskmanager.numberOfTaskSlots: 4\nkubernetes.taskmanager.cpu.amount: 0", "", 4, ""},
	{"k8s -1: the slots", "taskmanager.numberOfTaskSlots: 4\nkubernetes.taskmanager.cpu.amount: -1.0", "", 4, ""},
	{"k8s NaN: the slots", "taskmanager.numberOfTaskSlots: 4\nkubernetes.taskmanager.cpu.amount: NaN", "", 4, ""},
	{"k8s Infinity", "kubernetes.taskmanager.cpu.amount: Infinity", "", 0, "flink.kubernetes.taskmanager.cpu.amount: Infinity cores"},
	{"k8s Infinity unread", "taskmanager.cpu.cores: 2\nkubernetes.taskmanager.cpu.amount: Infinity", "", 2, ""},
	{"k8s not a number", "kubernetes.taskmanager.cpu.amount: two", "", 0, `flink.kubernetes.taskmanager.cpu.amount: "two" is not a number`},
	{"k8s amount before 1.17", "taskmanager.numberOfTaskSlots: 2\nkubernetes.taskmanager.cpu.amount: 4", "1.16", 2,
		"Flink 1.16 does not know this name (it came in 1.17); it reads kubernetes.taskmanager.cpu"},
	{"k8s old name in 1.16", "kubernetes.taskmanager.cpu: 4", "1.16", 4, ""},
	{"k8s limit factor 1", "kubernetes.taskmanager.cpu.amount: 2\nkubernetes.taskmanager.cpu.limit-factor: 1", "", 2, ""},
	{"k8s limit factor 2", "kubernetes.taskmanager.cpu.amount: 2\nkubernetes.taskmanager.cpu.limit-factor: 2", "", 2,
		"flink.kubernetes.taskmanager.cpu.limit-factor: a TaskManager's pod may use up to 4 cores (its request 2 × 2)"},
	{"k8s limit factor below 1", "kubernetes.taskmanager.cpu.limit-factor: 0.5", "", 0,
		"flink.kubernetes.taskmanager.cpu.limit-factor: 0.5: should be greater or equal to 1"},
	{"yarn vcores", "yarn.containers.vcores: 3", "", 3, ""},
	{"yarn 0: the slots", "taskmanager.numberOfTaskSlots: 2\nyarn.containers.vcores: 0", "", 2, ""},
	{"yarn not whole", "yarn.containers.vcores: 2.5", "", 0, `flink.yarn.containers.vcores: "2.5" is not a whole number`},
	{"yarn rounds cpu.cores up", "execution.target: yarn-application\ntaskmanager.cpu.cores: 1.5", "", 2, ""},
	{"yarn at least 1", "execution.target: yarn-session\ntaskmanager.cpu.cores: 0.2", "", 1, ""},
	{"yarn slots", "execution.target: yarn-session\ntaskmanager.numberOfTaskSlots: 3", "", 3, ""},
	{"yarn over Integer.MAX_VALUE", "execution.target: yarn-session\ntaskmanager.cpu.cores: 1e10", "", 0,
		"flink.taskmanager.cpu.cores: 1e+10 cores are more vcores than YARN takes"},
	{"both, no target", "kubernetes.taskmanager.cpu.amount: 2\nyarn.containers.vcores: 3", "", 0,
		"flink.yarn.containers.vcores: kubernetes.taskmanager.cpu.amount and yarn.containers.vcores are both set: say where the job runs in execution.target"},
	{"both, on kubernetes", "execution.target: kubernetes-application\nkubernetes.taskmanager.cpu.amount: 2\nyarn.containers.vcores: 3", "", 2,
		"flink.yarn.containers.vcores: ignored: execution.target is kubernetes-application, and only YARN's resource manager reads it"},
	{"both, on yarn", "execution.target: YARN-SESSION\nkubernetes.taskmanager.cpu.amount: 2\nyarn.containers.vcores: 3", "", 3,
		"flink.kubernetes.taskmanager.cpu.amount: ignored: execution.target is yarn-session, and only Kubernetes' resource manager reads it"},
	{"remote: the keys tell", "execution.target: remote\nkubernetes.taskmanager.cpu.amount: 6", "", 6, ""},
	{"local reads neither", "execution.target: local\ntaskmanager.numberOfTaskSlots: 2\nkubernetes.taskmanager.cpu.amount: 6", "", 2,
		"ignored: execution.target is local, and only Kubernetes' resource manager reads it"},
	{"per-job before 2.0", "execution.target: yarn-per-job\nyarn.containers.vcores: 2", "1.20", 2, ""},
	{"per-job in 2.0", "execution.target: yarn-per-job", "2.0", 0, "flink.execution.target: Flink 2.0 has no per-job mode"},
	{"unknown target", "execution.target: kubernetes", "", 0, `flink.execution.target: "kubernetes" is not one of remote, local`},
}

func checkCores(t *testing.T, block, version string, cores float64, problem string) {
	t.Helper()
	data := withFlinkBlock(block)
	if version != "" {
		data = []byte(`flink-version: "` + version + "\"\n" + string(data))
	}
	l, err := Load("x.yaml", data, nil)
	if cores == 0 {
		if err == nil || !strings.Contains(err.Error(), problem) {
			t.Fatalf("error %v, want %q", err, problem)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Spec.TaskManager.Cores; got != cores {
		t.Errorf("cores %g, want %g", got, cores)
	}
	warned := l.Warnings.Error()
	if (problem == "") != (len(l.Warnings) == 0) || !strings.Contains(warned, problem) {
		t.Errorf("warnings %q, want %q", warned, problem)
	}
	if len(l.NotModelled) > 0 {
		t.Errorf("not modelled: %q", l.NotModelled)
	}
	// resolved.yaml keeps what decides the cores, and loads to the same.
	y, err := l.Resolved()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("resolved.yaml", y, nil)
	if err != nil || again.Spec.TaskManager.Cores != cores {
		t.Errorf("resolved.yaml loads to %v, %v:\n%s", again, err, y)
	}
}
