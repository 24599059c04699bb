package config

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// source is one service section and the file it came from.
type source struct {
	name string
	file string
	node *yaml.Node
	d    *config.Decoder
}

// serviceSources returns the inline services overridden by the
// service_conf_dir files, sorted by name.
func (l *loader) serviceSources(top topLevel) []source {
	byName := make(map[string]source, len(top.Services))
	for name, n := range top.Services {
		byName[name] = source{name: name, file: l.file, node: &n, d: l.main}
	}
	if top.ServiceConfDir != nil {
		for _, s := range l.confDir(*top.ServiceConfDir) {
			byName[s.name] = s
		}
	}
	out := make([]source, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[name])
	}
	return out
}

// confDir reads every *.json, then every *.yaml file of dir (not *.yml, as
// the original), each one service named after the file. Within a group the
// files are sorted, so a name in both web.json and web.yaml is always the
// YAML one.
func (l *loader) confDir(dir string) []source {
	dir = expandHome(dir)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		l.main.Errorf(nil, "service_conf_dir", "service conf dir %s does not exist", dir)
		return nil
	}
	var out []source
	for _, ext := range []string{".json", ".yaml"} {
		files, err := filepath.Glob(filepath.Join(globEscape(dir), "*"+ext))
		if err != nil {
			l.main.Errorf(nil, "service_conf_dir", "list %s: %v", dir, err)
			continue
		}
		slices.Sort(files)
		for _, f := range files {
			root, err := readFile(f, l.env)
			if err != nil {
				l.errs = append(l.errs, err)
				continue
			}
			d := config.NewDecoder(f)
			l.others = append(l.others, d)
			out = append(out, source{name: strings.TrimSuffix(filepath.Base(f), ext), file: f, node: root, d: d})
		}
	}
	return out
}

// expandHome does the part of Ruby's File.expand_path that matters for a
// path in a config file: a leading ~.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~"))
}

// globEscape keeps glob metacharacters in the directory name literal.
func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}
