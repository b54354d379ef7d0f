package bench

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"
)

//go:embed report.html.tmpl
var reportTemplate string

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"ms":      func(v float64) string { return fmt.Sprintf("%.2f", v) },
	"f1":      func(v float64) string { return fmt.Sprintf("%.1f", v) },
	"mode":    modeText,
	"codes":   func(o OpResult) string { return strings.Join(o.ErrorCodes(), ", ") },
	"ofLimit": func(l *LimitsResult, throughput float64) string { return l.OfHTTP(throughput) },
	"share":   shareOr,
}).Parse(reportTemplate))

// reportView is what the template shows.
type reportView struct {
	*Result
	Charts   []template.HTML
	LagChart template.HTML
	// StreamChart plots post-to-event latency (with the fan-out lag) when the run
	// had subscribers.
	StreamChart template.HTML
	ScenOps     []OpResult // the scenario's operations
	Probes      []OpResult // the fan-out probe's traffic
	Generated   string
}

// WriteHTML writes the self-contained HTML report of a result: tables and inline SVG
// charts, nothing fetched when it is viewed.
func WriteHTML(w io.Writer, res *Result) error {
	v := reportView{Result: res, Generated: res.Started.Format("2006-01-02 15:04:05 MST")}
	for _, o := range res.Ops {
		if o.Op == OpFanoutPoll {
			v.Probes = append(v.Probes, o)
		} else {
			v.ScenOps = append(v.ScenOps, o)
		}
	}
	v.Charts = []template.HTML{
		timelineChart("Throughput over time", "requests answered per second", v.ScenOps, false,
			func(p Point) float64 { return float64(p.Requests) / p.Seconds }),
		timelineChart("Median latency over time", "p50 latency (ms)", v.ScenOps, true, func(p Point) float64 { return p.P50 }),
		timelineChart("Tail latency over time", "p99 latency (ms)", v.ScenOps, true, func(p Point) float64 { return p.P99 }),
		spectrumChart("Latency by percentile", "latency (ms)", opSpectra(v.ScenOps)),
	}
	if res.Total.Errors > 0 {
		v.Charts = append(v.Charts, timelineChart("Errors over time", "failed requests per second",
			[]OpResult{res.Total}, false, func(p Point) float64 { return float64(p.Errors) / p.Seconds }))
	}
	v.LagChart = spectrumChart("Fan-out lag by percentile", "lag (ms)",
		[]namedSpectrum{{"fan-out lag", res.FanoutLag.LagSpectrum}})
	if s := res.Streams; s != nil {
		v.StreamChart = spectrumChart("Post-to-event latency by percentile", "latency (ms)",
			[]namedSpectrum{{"post to event", s.Spectrum}, {"fan-out lag", res.FanoutLag.LagSpectrum}})
	}
	if err := reportTmpl.Execute(w, v); err != nil {
		return fmt.Errorf("bench: report: %w", err)
	}
	return nil
}

// timelineChart plots y(point) over the seconds of the run, a line per operation;
// latency charts skip the seconds in which an operation had no requests.
func timelineChart(title, yLabel string, ops []OpResult, latency bool, y func(Point) float64) template.HTML {
	c := chart{title: title, xLabel: "seconds since the start of the measured phase", yLabel: yLabel}
	for _, o := range ops {
		s := series{name: string(o.Op)}
		for _, p := range o.Timeline {
			if p.Seconds <= 0 || (latency && p.Requests == 0) {
				continue
			}
			s.xs, s.ys = append(s.xs, p.T), append(s.ys, y(p))
		}
		c.series = append(c.series, s)
	}
	return c.svg()
}

type namedSpectrum struct {
	name   string
	points []SpectrumPoint
}

func opSpectra(ops []OpResult) []namedSpectrum {
	out := make([]namedSpectrum, len(ops))
	for i, o := range ops {
		out[i] = namedSpectrum{string(o.Op), o.Spectrum}
	}
	return out
}

// spectrumChart plots latency against percentile on the log scale of HDR plots.
func spectrumChart(title, yLabel string, spectra []namedSpectrum) template.HTML {
	top := 1.0
	for _, s := range spectra {
		for _, p := range s.points {
			if p.Percentile < 100 {
				top = max(top, math.Ceil(percentileX(p.Percentile, 0)*10)/10+0.1)
			}
		}
	}
	c := chart{title: title, xLabel: "percentile (the rightmost point of each line is the maximum)",
		yLabel: yLabel, xTicks: percentileTicks(top)}
	for _, s := range spectra {
		line := series{name: s.name}
		for _, p := range s.points {
			line.xs, line.ys = append(line.xs, percentileX(p.Percentile, top)), append(line.ys, p.Ms)
		}
		c.series = append(c.series, line)
	}
	return c.svg()
}
