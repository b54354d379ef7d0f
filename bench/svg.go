package bench

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// The report's charts are line charts drawn as inline SVG here, so report.html needs
// nothing from the network (a charting library would have to be inlined, tens of
// kilobytes of JavaScript for a few polylines).

// series is one line of a chart.
type series struct {
	name   string
	xs, ys []float64
}

// tick is a labelled position on an axis.
type tick struct {
	at    float64
	label string
}

// chart is a line chart with a linear y axis from 0.
type chart struct {
	title, xLabel, yLabel string
	xTicks                []tick // nil: chosen from the data
	series                []series
}

const (
	chartW, chartH             = 760, 300
	padL, padR, padT, padB     = 64, 150, 30, 44
	plotW, plotH               = chartW - padL - padR, chartH - padT - padB
	maxMarkedPoints            = 60
	legendRow                  = 18
	chartFont                  = `font-family="system-ui, sans-serif" font-size="12"`
	gridColour, axisColour     = "#e3e3e3", "#555"
	emptyChartMessage          = "no data"
	legendSwatchW, legendTextX = 18, 24
)

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"}

// svg renders the chart.
func (c chart) svg() template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" %s>`,
		chartW, chartH, chartW, chartH, html.EscapeString(c.title), chartFont)
	fmt.Fprintf(&b, `<title>%s</title><text x="%d" y="18" font-weight="bold">%s</text>`,
		html.EscapeString(c.title), padL, html.EscapeString(c.title))
	x0, x1, y1, ok := c.bounds()
	if !ok {
		fmt.Fprintf(&b, `<text x="%d" y="%d">%s</text></svg>`, padL, padT+plotH/2, emptyChartMessage)
		return template.HTML(b.String())
	}
	yTicks := niceTicks(0, y1)
	y1 = yTicks[len(yTicks)-1].at
	xTicks := c.xTicks
	if xTicks == nil {
		xTicks = niceTicks(x0, x1)
	}
	sx := func(v float64) float64 { return padL + (v-x0)/(x1-x0)*plotW }
	sy := func(v float64) float64 { return padT + plotH - v/y1*plotH }
	c.axes(&b, xTicks, yTicks, sx, sy, x0, x1)
	for i, s := range c.series {
		c.line(&b, s, palette[i%len(palette)], sx, sy)
		y := padT + 10 + i*legendRow
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="3"/><text x="%d" y="%d">%s</text>`,
			chartW-padR+12, y, chartW-padR+12+legendSwatchW, y, palette[i%len(palette)],
			chartW-padR+12+legendTextX, y+4, html.EscapeString(s.name))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// bounds returns the x range and the largest y of the data.
func (c chart) bounds() (x0, x1, y1 float64, ok bool) {
	x0, x1 = math.Inf(1), math.Inf(-1)
	for _, s := range c.series {
		for i, x := range s.xs {
			x0, x1, y1 = min(x0, x), max(x1, x), max(y1, s.ys[i])
			ok = true
		}
	}
	if !ok {
		return 0, 0, 0, false
	}
	if x1 == x0 {
		x1 = x0 + 1
	}
	if y1 <= 0 {
		y1 = 1
	}
	return x0, x1, y1, true
}

func (c chart) axes(b *strings.Builder, xTicks, yTicks []tick, sx, sy func(float64) float64, x0, x1 float64) {
	for _, t := range yTicks {
		y := sy(t.at)
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s"/><text x="%d" y="%.1f" text-anchor="end">%s</text>`,
			padL, y, padL+plotW, y, gridColour, padL-6, y+4, t.label)
	}
	for _, t := range xTicks {
		if t.at < x0 || t.at > x1 {
			continue
		}
		x := sx(t.at)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="%s"/><text x="%.1f" y="%d" text-anchor="middle">%s</text>`,
			x, padT, x, padT+plotH, gridColour, x, padT+plotH+16, html.EscapeString(t.label))
	}
	fmt.Fprintf(b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="%s"/>`, padL, padT, plotW, plotH, axisColour)
	fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, padL+plotW/2, chartH-6, html.EscapeString(c.xLabel))
	fmt.Fprintf(b, `<text transform="translate(14 %d) rotate(-90)" text-anchor="middle">%s</text>`, padT+plotH/2, html.EscapeString(c.yLabel))
}

func (c chart) line(b *strings.Builder, s series, colour string, sx, sy func(float64) float64) {
	var pts strings.Builder
	for i, x := range s.xs {
		fmt.Fprintf(&pts, "%.1f,%.1f ", sx(x), sy(s.ys[i]))
	}
	fmt.Fprintf(b, `<polyline class="series" fill="none" stroke="%s" stroke-width="1.8" points="%s"><title>%s</title></polyline>`,
		colour, strings.TrimSpace(pts.String()), html.EscapeString(s.name))
	if len(s.xs) > maxMarkedPoints {
		return
	}
	for i, x := range s.xs {
		fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s: %s</title></circle>`,
			sx(x), sy(s.ys[i]), colour, html.EscapeString(s.name), formatNum(s.ys[i]))
	}
}

// niceTicks returns about five ticks at round numbers covering [lo, hi].
func niceTicks(lo, hi float64) []tick {
	span := hi - lo
	if span <= 0 {
		span = 1
	}
	raw := span / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			step = m * mag
			break
		}
	}
	var out []tick
	for v := math.Floor(lo/step) * step; len(out) < 20; v += step {
		out = append(out, tick{at: v, label: formatNum(v)})
		if v >= hi {
			break
		}
	}
	return out
}

func formatNum(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 100 || a == math.Trunc(a):
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

// percentileX maps a percentile to the x of a latency-by-percentile chart:
// log10(1/(1-q)), so 90%, 99% and 99.9% are evenly spaced. 100% is placed at top.
func percentileX(q, top float64) float64 {
	if q >= 100 {
		return top
	}
	return math.Log10(100 / (100 - q))
}

// percentileTicks are the x ticks of a latency-by-percentile chart up to top.
func percentileTicks(top float64) []tick {
	out := []tick{{0, "0%"}, {math.Log10(2), "50%"}}
	labels := []string{"90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"}
	for i, l := range labels {
		if float64(i+1) > top {
			break
		}
		out = append(out, tick{float64(i + 1), l})
	}
	return out
}
