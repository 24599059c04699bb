package generator

import (
	"log/slog"

	"gopkg.in/yaml.v3"

	"github.com/smartstack-go/smartstack/internal/config"
)

// Toggle is the per-service section of a generator whose only
// per-service key is `disabled`: a service without a section is included.
type Toggle struct {
	Disabled bool `yaml:"disabled"`
}

// ToggleSections gives a generator whose sections are Toggles its Name,
// Normalize and DecodeSection; such a generator embeds it.
type ToggleSections struct {
	GeneratorName string
	Log           *slog.Logger // Normalize's warnings, at debug level
}

// Name implements Generator.
func (t ToggleSections) Name() string { return t.GeneratorName }

// Normalize implements Generator. A service is disabled by
// `disabled: true`, or when its current generator config has no entry for
// the generator at all (ZooKeeper replaced the map), which reaches Update
// as a nil Config.
func (t ToggleSections) Normalize(service string, section *yaml.Node) (any, error) {
	d := config.NewDecoder("")
	sc := t.DecodeSection(d, service, section, SectionPath(service, t.GeneratorName))
	for _, w := range d.Warnings() {
		t.Log.Debug("service config warning", "warning", w.String())
	}
	if err := d.Err(); err != nil {
		return nil, err
	}
	return sc, nil
}

// DecodeSection implements SectionDecoder; Normalize logs its warnings at
// debug level, the config loader reports them for the file.
func (t ToggleSections) DecodeSection(d *config.Decoder, _ string, section *yaml.Node, path string) any {
	var sc Toggle
	d.Decode(section, path, &sc)
	return sc
}
