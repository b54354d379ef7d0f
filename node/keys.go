package node

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Key is one setting of Config. Every key is reachable alike as a TOML key
// ("scylla.hosts"), a HERD_* environment variable (HERD_SCYLLA_HOSTS) and a flag
// (--scylla-hosts): Keys makes all three from Config's `toml` tags, so that they cannot
// drift apart. A field's `help` tag is its one-line description; `secret:"true"` masks
// it in `herd config print`.
type Key struct {
	Name, Env, Flag, Help string
	Secret                bool
	// Bool keys are flags that take no value (--no-sync means true).
	Bool  bool
	index []int // the field in Config
}

// Keys lists every key of Config, in the order of its fields.
func Keys() []Key {
	return keysOf(reflect.TypeOf(Config{}), "", nil)
}

func keysOf(t reflect.Type, prefix string, index []int) []Key {
	var out []Key
	for i := range t.NumField() {
		f := t.Field(i)
		name := f.Tag.Get("toml")
		if name == "" || name == "-" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
			out = append(out, keysOf(f.Type, prefix+name+".", idx)...)
			continue
		}
		full := prefix + name
		flat := strings.NewReplacer(".", "_", "-", "_").Replace(full)
		out = append(out, Key{Name: full, Env: "HERD_" + strings.ToUpper(flat),
			Flag: strings.ReplaceAll(flat, "_", "-"), Help: f.Tag.Get("help"), Secret: f.Tag.Get("secret") == "true",
			Bool: f.Type.Kind() == reflect.Bool, index: idx})
	}
	return out
}

// Set parses value into the key's field of c: a number, a boolean (true, false, 1, 0),
// a duration (90s, 5m), or a comma-separated list.
func (c *Config) Set(k Key, value string) error {
	f := reflect.ValueOf(c).Elem().FieldByIndex(k.index)
	value = strings.TrimSpace(value)
	var err error
	switch {
	case f.Type() == reflect.TypeOf(time.Duration(0)):
		var d time.Duration
		if d, err = time.ParseDuration(value); err == nil {
			f.SetInt(int64(d))
		}
	case f.Kind() == reflect.String:
		f.SetString(value)
	case f.Kind() == reflect.Bool:
		var b bool
		if b, err = strconv.ParseBool(value); err == nil {
			f.SetBool(b)
		}
	case f.Kind() == reflect.Float64:
		var x float64
		if x, err = strconv.ParseFloat(value, 64); err == nil {
			f.SetFloat(x)
		}
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		var n int64
		if n, err = strconv.ParseInt(value, 10, 64); err == nil {
			f.SetInt(n)
		}
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		f.Set(reflect.ValueOf(splitList(value)))
	default:
		err = fmt.Errorf("unsupported type %s", f.Type())
	}
	if err != nil {
		return fmt.Errorf("%s: %q: %w", k.Name, value, err)
	}
	return nil
}

// Get formats the key's value in c as Set reads it.
func (c Config) Get(k Key) string {
	f := reflect.ValueOf(c).FieldByIndex(k.index)
	switch v := f.Interface().(type) {
	case time.Duration:
		return v.String()
	case []string:
		return strings.Join(v, ",")
	}
	return fmt.Sprint(f.Interface())
}

// Sources are where LoadConfig reads settings, weakest first.
type Sources struct {
	// File is a TOML file; empty for none.
	File string
	// Getenv reads the environment (os.Getenv); nil for none.
	Getenv func(string) string
	// Flags holds the values of the flags given, by key name.
	Flags map[string]string
}

// LoadConfig builds the configuration from the file, then the environment, then the
// flags, each overriding the one before, fills the defaults and validates it. An
// unknown key in the file, a value that does not parse and an invalid setting are
// errors that name the key and where it came from.
func LoadConfig(src Sources) (Config, error) {
	var c Config
	if src.File != "" {
		md, err := toml.DecodeFile(src.File, &c)
		if err != nil {
			return c, fmt.Errorf("config %s: %w", src.File, err)
		}
		if unknown := md.Undecoded(); len(unknown) > 0 {
			names := make([]string, len(unknown))
			for i, k := range unknown {
				names[i] = k.String()
			}
			sort.Strings(names)
			return c, fmt.Errorf("config %s: unknown key %s (herd config keys lists them)", src.File, strings.Join(names, ", "))
		}
	}
	var errs []error
	for _, k := range Keys() {
		if src.Getenv != nil {
			if v := src.Getenv(k.Env); strings.TrimSpace(v) != "" {
				if err := c.Set(k, v); err != nil {
					errs = append(errs, fmt.Errorf("environment %s: %w", k.Env, err))
				}
			}
		}
		if v, ok := src.Flags[k.Name]; ok {
			if err := c.Set(k, v); err != nil {
				errs = append(errs, fmt.Errorf("flag --%s: %w", k.Flag, err))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return c, err
	}
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	return c, nil
}

// TOML renders c as a TOML file of every key, which LoadConfig reads back to the same
// configuration; with mask, secrets that are set show as "***".
func (c Config) TOML(mask bool) string {
	var b strings.Builder
	for _, k := range Keys() {
		f := reflect.ValueOf(c).FieldByIndex(k.index)
		var v string
		switch x := f.Interface().(type) {
		case time.Duration:
			v = tomlString(x.String())
		case string:
			if mask && k.Secret && x != "" {
				x = "***"
			}
			v = tomlString(x)
		case []string:
			q := make([]string, len(x))
			for i, s := range x {
				q[i] = tomlString(s)
			}
			v = "[" + strings.Join(q, ", ") + "]"
		case float64:
			if v = strconv.FormatFloat(x, 'f', -1, 64); !strings.Contains(v, ".") {
				v += ".0" // a TOML float, not an integer
			}
		default:
			v = fmt.Sprint(x)
		}
		fmt.Fprintf(&b, "%s = %s\n", k.Name, v)
	}
	return b.String()
}

// tomlString quotes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
