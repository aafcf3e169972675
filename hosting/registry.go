package hosting

import (
	"bytes"
	"io"
	"net/http"
	runtimemetrics "runtime/metrics"
	"strings"

	vm "github.com/VictoriaMetrics/metrics"
)

// Registry holds a server's metrics and writes them in the Prometheus text
// exposition format on /metrics. It wraps github.com/VictoriaMetrics/metrics
// rather than prometheus/client_golang because the latter's package
// initialisers cost about 2 MB of resident memory in every mode, stdio
// included (docs/benchmarks.md).
//
// A series is a name plus label pairs; asking twice for the same series
// returns the same metric, so helpers can look series up per event.
type Registry struct {
	set *vm.Set
}

// NewRegistry returns an empty registry; /metrics adds the go_* and
// process_* series when it writes.
func NewRegistry() *Registry {
	// TYPE lines let Prometheus tell counters and histograms apart.
	vm.ExposeMetadata(true)
	return &Registry{set: vm.NewSet()}
}

// Counter returns the counter series name{labels}; labels are name, value
// pairs, written in the order given.
func (r *Registry) Counter(name string, labels ...string) *vm.Counter {
	return r.set.GetOrCreateCounter(series(name, labels))
}

// FloatCounter is Counter for counters that grow by fractions (seconds).
func (r *Registry) FloatCounter(name string, labels ...string) *vm.FloatCounter {
	return r.set.GetOrCreateFloatCounter(series(name, labels))
}

// Histogram returns the histogram series name{labels} with the given bucket
// upper bounds (the first request for a series fixes them).
func (r *Registry) Histogram(name string, buckets []float64, labels ...string) *vm.PrometheusHistogram {
	return r.set.GetOrCreatePrometheusHistogramExt(series(name, labels), buckets)
}

// GaugeFunc registers a gauge whose value f reports when /metrics is read.
// f must be safe for concurrent calls. It panics if the series exists.
func (r *Registry) GaugeFunc(name string, f func() float64, labels ...string) {
	r.set.NewGauge(series(name, labels), f)
}

// ServeHTTP writes the registry's series, then the Go runtime and process
// series.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	r.set.WritePrometheus(&b)
	vm.WriteProcessMetrics(&b)
	vm.WriteFDMetrics(&b)
	writeRuntimeSettings(&b)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	_, _ = w.Write(b.Bytes())
}

// runtimeSettings are the runtime settings client_golang's Go collector
// reported and VictoriaMetrics' does not, under the same names.
var runtimeSettings = [...]struct{ key, name string }{
	{"/gc/gogc:percent", "go_gc_gogc_percent"},
	{"/gc/gomemlimit:bytes", "go_gc_gomemlimit_bytes"},
	{"/sched/gomaxprocs:threads", "go_sched_gomaxprocs_threads"},
}

func writeRuntimeSettings(w io.Writer) {
	var samples [len(runtimeSettings)]runtimemetrics.Sample
	for i, s := range runtimeSettings {
		samples[i].Name = s.key
	}
	runtimemetrics.Read(samples[:])
	for i, s := range samples {
		if s.Value.Kind() == runtimemetrics.KindUint64 {
			vm.WriteGaugeUint64(w, runtimeSettings[i].name, s.Value.Uint64())
		}
	}
}

// labelEscaper escapes a label value as the exposition format requires.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// series formats name{k1="v1",k2="v2"}.
func series(name string, labels []string) string {
	if len(labels) == 0 {
		return name
	}
	if len(labels)%2 != 0 {
		panic("hosting: metric labels must be name, value pairs")
	}
	var b strings.Builder
	b.Grow(len(name) + 16*len(labels))
	b.WriteString(name)
	b.WriteByte('{')
	for i := 0; i < len(labels); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(labels[i])
		b.WriteString(`="`)
		labelEscaper.WriteString(&b, labels[i+1])
		b.WriteByte('"')
	}
	b.WriteByte('}')
	return b.String()
}
