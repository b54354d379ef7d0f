// Package ops holds what operators deploy next to Herd rather than Herd itself: the
// container image (Dockerfile), compose and Helm set-ups, the engines' test scripts,
// the Grafana dashboard (grafana/herd.json) and the Prometheus alert rules
// (prometheus/alerts.yml). Its tests hold the dashboard and the rules to the metrics a
// running node exports, so that a renamed metric cannot leave them silently empty.
//
// It is a test and nothing else: no other package imports it.
package ops
