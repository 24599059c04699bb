package synapse

import (
	"testing"

	"github.com/smartstack-go/smartstack/internal/generator"
)

func TestGenInputFollowsStamps(t *testing.T) {
	sv := func(name string, stamp uint64, enabled bool) serviceView {
		s := serviceView{name: name, stamp: stamp, revision: stamp, backends: backendsOf(int(stamp)), configs: map[string]any{}}
		if enabled {
			s.configs["gen"] = name + "-cfg"
		}
		return s
	}
	names := func(ss []generator.Service) string { return serviceNames(ss) }
	base := []serviceView{sv("a", 1, true), sv("b", 2, true), sv("c", 3, false), sv("d", 4, true)}
	for _, tc := range []struct {
		name string
		next []serviceView
		want string
		same bool // the very list handed out before
	}{
		{"nothing changed", base, "a=b1:1;b=b2:2;d=b4:4;", true},
		{"one changed", []serviceView{base[0], sv("b", 9, true), base[2], base[3]}, "a=b1:1;b=b9:9;d=b4:4;", false},
		{"a left-out one changed", []serviceView{base[0], base[1], sv("c", 9, false), base[3]}, "a=b1:1;b=b2:2;d=b4:4;", true},
		{"one enabled", []serviceView{base[0], base[1], sv("c", 9, true), base[3]}, "a=b1:1;b=b2:2;c=b9:9;d=b4:4;", false},
		{"one disabled", []serviceView{base[0], sv("b", 9, false), base[2], base[3]}, "a=b1:1;d=b4:4;", false},
		{"another service in its place", []serviceView{base[0], sv("x", 9, true), base[2], base[3]}, "a=b1:1;x=b9:9;d=b4:4;", false},
		{"one more", append(base[:4:4], sv("e", 9, true)), "a=b1:1;b=b2:2;d=b4:4;e=b9:9;", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var c genInput
			first := c.update("gen", base)
			before := names(first)
			got := c.update("gen", tc.next)
			if names(got) != tc.want {
				t.Fatalf("got %s, want %s", names(got), tc.want)
			}
			if names(first) != before {
				t.Fatalf("the list handed out before changed: %s, was %s", names(first), before)
			}
			if same := len(got) > 0 && &got[0] == &first[0]; same != tc.same {
				t.Fatalf("same list = %v, want %v", same, tc.same)
			}
			for i := range got {
				if got[i].Config != got[i].Name+"-cfg" {
					t.Fatalf("entry %d has config %v", i, got[i].Config)
				}
			}
			if fresh := servicesFor("gen", view{services: tc.next}); names(fresh) != tc.want {
				t.Fatalf("servicesFor gives %s, the patched list %s", names(fresh), tc.want)
			}
		})
	}
}
