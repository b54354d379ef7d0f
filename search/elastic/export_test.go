package elastic

// WithoutICU returns cfg set to keep the standard analysis on nodes that have ICU's,
// so that tests try both on one node.
func WithoutICU(cfg Config) Config {
	cfg.noICU = true
	return cfg
}
