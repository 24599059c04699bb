package generator

import (
	"log/slog"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestToggleSections(t *testing.T) {
	ts := ToggleSections{GeneratorName: "g", Log: slog.New(slog.DiscardHandler)}
	for _, tc := range []struct {
		name, yaml string
		want       Toggle
		wantErr    bool
	}{
		{"no section: included", "", Toggle{}, false},
		{"disabled", "disabled: true", Toggle{Disabled: true}, false},
		{"unknown key is only a warning", "other: 1", Toggle{}, false},
		{"bad value", "disabled: [1]", Toggle{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var section *yaml.Node
			if tc.yaml != "" {
				var doc yaml.Node
				if err := yaml.Unmarshal([]byte(tc.yaml), &doc); err != nil {
					t.Fatal(err)
				}
				section = doc.Content[0]
			}
			got, err := ts.Normalize("svc", section)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err %v, want error %v", err, tc.wantErr)
			}
			if err == nil && got != tc.want {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
	if ts.Name() != "g" {
		t.Fatalf("Name %q", ts.Name())
	}
}
