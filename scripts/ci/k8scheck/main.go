// Command k8scheck validates evo's Kubernetes manifests without a cluster: every document is
// decoded strictly (unknown or misspelt fields, wrong types and duplicate keys are errors) into
// the typed objects of k8s.io/api, and then checked against the rules evo's manifests promise:
// no shell (the image is FROM scratch), non-root, resources set, the shared volume mounted from
// a ReadWriteMany claim defined alongside, restart policies that keep workers running.
//
// Usage: go run . FILE.yaml...   (prints one line per object; exit status 1 on any problem)
package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// checker collects problems across all files.
type checker struct {
	problems []string
	claims   map[string]*corev1.PersistentVolumeClaim
	used     map[string]string // claim name -> first user
}

func (c *checker) fail(where, format string, args ...any) {
	c.problems = append(c.problems, where+": "+fmt.Sprintf(format, args...))
}

var docSep = regexp.MustCompile(`(?m)^---\s*$`)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: k8scheck FILE.yaml...")
		os.Exit(2)
	}
	c := &checker{claims: map[string]*corev1.PersistentVolumeClaim{}, used: map[string]string{}}
	objects := 0
	for _, path := range os.Args[1:] {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "k8scheck: %v\n", err)
			os.Exit(2)
		}
		for i, doc := range docSep.Split(string(b), -1) {
			if strings.TrimSpace(stripComments(doc)) == "" {
				continue
			}
			objects++
			c.document(fmt.Sprintf("%s#%d", path, i+1), []byte(doc))
		}
	}
	for claim, user := range c.used {
		if _, ok := c.claims[claim]; !ok {
			c.fail(user, "uses claim %q, which no file defines", claim)
		}
	}
	if objects == 0 {
		c.fail("input", "no Kubernetes objects found")
	}
	for _, p := range c.problems {
		fmt.Println("FAIL", p)
	}
	if len(c.problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("ok: %d objects in %d files\n", objects, len(os.Args)-1)
}

func stripComments(doc string) string {
	var b strings.Builder
	for _, l := range strings.Split(doc, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// decode unmarshals doc into v, rejecting unknown fields and duplicate keys.
func decode(doc []byte, v any) error { return yaml.UnmarshalStrict(doc, v) }

func (c *checker) document(where string, doc []byte) {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		c.fail(where, "not YAML: %v", err)
		return
	}
	where += " " + tm.Kind
	before := len(c.problems)
	defer func() {
		if len(c.problems) == before {
			fmt.Printf("%s: ok\n", where)
		}
	}()
	switch tm.APIVersion + "/" + tm.Kind {
	case "v1/PersistentVolumeClaim":
		var o corev1.PersistentVolumeClaim
		if err := decode(doc, &o); err != nil {
			c.fail(where, "%v", err)
			return
		}
		c.meta(where, o.ObjectMeta)
		if !hasMode(o.Spec.AccessModes, corev1.ReadWriteMany) {
			c.fail(where, "%s must be ReadWriteMany: workers on many nodes share it", o.Name)
		}
		if q, ok := o.Spec.Resources.Requests[corev1.ResourceStorage]; !ok || q.IsZero() {
			c.fail(where, "%s requests no storage", o.Name)
		}
		c.claims[o.Name] = &o
	case "batch/v1/Job":
		var o batchv1.Job
		if err := decode(doc, &o); err != nil {
			c.fail(where, "%v", err)
			return
		}
		c.meta(where, o.ObjectMeta)
		p := o.Spec.Template.Spec
		if p.RestartPolicy != corev1.RestartPolicyOnFailure && p.RestartPolicy != corev1.RestartPolicyNever {
			c.fail(where, "a Job's restartPolicy must be OnFailure or Never, got %q", p.RestartPolicy)
		}
		c.pod(where, p)
	case "apps/v1/Deployment":
		var o appsv1.Deployment
		if err := decode(doc, &o); err != nil {
			c.fail(where, "%v", err)
			return
		}
		c.meta(where, o.ObjectMeta)
		if o.Spec.Selector == nil || len(o.Spec.Selector.MatchLabels) == 0 {
			c.fail(where, "no selector")
		} else {
			for k, v := range o.Spec.Selector.MatchLabels {
				if o.Spec.Template.Labels[k] != v {
					c.fail(where, "selector %s=%s does not match the pod template's labels", k, v)
				}
			}
		}
		if o.Spec.Replicas == nil || *o.Spec.Replicas < 1 {
			c.fail(where, "replicas must be set and positive")
		}
		if rp := o.Spec.Template.Spec.RestartPolicy; rp != "" && rp != corev1.RestartPolicyAlways {
			c.fail(where, "a Deployment's restartPolicy must be Always, got %q", rp)
		}
		c.pod(where, o.Spec.Template.Spec)
	default:
		c.fail(where, "unexpected apiVersion/kind %s/%s", tm.APIVersion, tm.Kind)
	}
}

var dns1123 = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)

func (c *checker) meta(where string, m metav1.ObjectMeta) {
	if !dns1123.MatchString(m.Name) || len(m.Name) > 63 {
		c.fail(where, "name %q is not a DNS-1123 label", m.Name)
	}
}

func hasMode(modes []corev1.PersistentVolumeAccessMode, m corev1.PersistentVolumeAccessMode) bool {
	for _, x := range modes {
		if x == m {
			return true
		}
	}
	return false
}

func (c *checker) pod(where string, p corev1.PodSpec) {
	sc := p.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot || sc.RunAsUser == nil || *sc.RunAsUser == 0 {
		c.fail(where, "the pod must set runAsNonRoot: true and a non-zero runAsUser (the image has no user database to map a name)")
	}
	volumes := map[string]bool{}
	for _, v := range p.Volumes {
		volumes[v.Name] = true
		if v.PersistentVolumeClaim != nil {
			if _, ok := c.used[v.PersistentVolumeClaim.ClaimName]; !ok {
				c.used[v.PersistentVolumeClaim.ClaimName] = where
			}
		}
	}
	all := append(append([]corev1.Container{}, p.InitContainers...), p.Containers...)
	if len(p.Containers) == 0 {
		c.fail(where, "no containers")
	}
	for _, ct := range all {
		w := where + " container " + ct.Name
		if len(ct.Command) == 0 || !strings.HasPrefix(ct.Command[0], "/") {
			c.fail(w, "command must be the absolute path of the binary (the image has no shell and no PATH lookup), got %q", ct.Command)
		}
		for _, a := range append(append([]string{}, ct.Command...), ct.Args...) {
			if strings.HasSuffix(a, "/sh") || strings.HasSuffix(a, "/bash") || a == "sh" || a == "-c" {
				c.fail(w, "runs a shell (%q): a FROM scratch image has none", a)
			}
		}
		if ct.Image == "" {
			c.fail(w, "no image")
		}
		if _, ok := ct.Resources.Requests[corev1.ResourceCPU]; !ok {
			c.fail(w, "no CPU request")
		}
		if _, ok := ct.Resources.Requests[corev1.ResourceMemory]; !ok {
			c.fail(w, "no memory request")
		}
		if _, ok := ct.Resources.Limits[corev1.ResourceMemory]; !ok {
			c.fail(w, "no memory limit")
		}
		if s := ct.SecurityContext; s == nil || s.AllowPrivilegeEscalation == nil || *s.AllowPrivilegeEscalation {
			c.fail(w, "allowPrivilegeEscalation must be false")
		}
		mounted := false
		for _, m := range ct.VolumeMounts {
			if !volumes[m.Name] {
				c.fail(w, "mounts volume %q, which the pod does not define", m.Name)
			}
			mounted = mounted || m.MountPath == "/evo"
		}
		if !mounted {
			c.fail(w, "does not mount the shared volume at /evo")
		}
		env := map[string]string{}
		for _, e := range ct.Env {
			env[e.Name] = e.Value
		}
		for _, name := range []string{"HOME", "XDG_CACHE_HOME"} {
			if !strings.HasPrefix(env[name], "/evo/") {
				c.fail(w, "%s must point into the shared volume (a scratch image has no home), got %q", name, env[name])
			}
		}
	}
}
