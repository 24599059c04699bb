package plan

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// recordModel is the record's meaning: the rows themselves, patched by
// walking all of them, as the record was before it kept rows by proxy.
type recordModel []hapi.StatRow

func (m recordModel) patch(status map[Ref]string, added []hapi.StatRow, removed map[Ref]bool) recordModel {
	var out recordModel
	for _, r := range m {
		ref := Ref{r.Proxy, r.Server}
		if r.Type == hapi.TypeServer {
			if removed[ref] {
				continue
			}
			if s, ok := status[ref]; ok {
				r.Status = s
			}
		}
		out = append(out, r)
	}
	return append(out, added...)
}

// servers are m's server rows by proxy.
func (m recordModel) servers() map[string][]string {
	out := map[string][]string{}
	for _, r := range m {
		if r.Type == hapi.TypeServer {
			out[r.Proxy] = append(out[r.Proxy], r.Server)
		}
	}
	return out
}

var modelStatuses = []string{"UP", "MAINT", "DOWN", "no check", "UP 1/3", "DRAIN"}

// A record patched through random sequences of status changes, additions
// and removals (some planned by the record itself, as an update's
// commands are) answers every lookup as a record read afresh and as the
// rows it stands for.
func TestRecordPatchedAnswersAsFresh(t *testing.T) {
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(seed, 17))
			model := randomRows(rnd)
			rec := NewRecord(model)
			for step := range 60 {
				status, added, removed := randomChanges(rnd, model, step)
				if rnd.IntN(3) == 0 {
					// The changes an update's plan makes.
					p := rec.Plan(randomWants(rnd, model))
					status, added, removed = p.Status, p.Added, map[Ref]bool{}
					for _, r := range p.Removals {
						removed[r] = true
					}
				}
				rec.Patch(status, added, removed)
				model = model.patch(status, added, removed)
				compareRecord(t, fmt.Sprintf("step %d", step), rec, model, rnd)
				if t.Failed() {
					return
				}
			}
		})
	}
}

func compareRecord(t *testing.T, step string, rec *Record, model recordModel, rnd *rand.Rand) {
	t.Helper()
	fresh := NewRecord(model)
	want := serverTriples(model)
	for name, got := range map[string][]string{"patched": serverTriples(rec.Rows()), "fresh": serverTriples(fresh.Rows())} {
		if !slices.Equal(got, want) {
			t.Errorf("%s: %s rows %v\nwant %v", step, name, got, want)
		}
	}
	for range 4 {
		w := randomWants(rnd, model)
		full := Socket(model, Running(model), w)
		for name, r := range map[string]*Record{"patched": rec, "fresh": fresh} {
			if got := r.Plan(w); !reflect.DeepEqual(got, full) {
				t.Errorf("%s: %s record plans %+v\nSocket plans %+v", step, name, got, full)
			}
		}
		proxies := map[string]map[string]bool{}
		for name, d := range w {
			proxies[name] = map[string]bool{}
			for _, s := range d.Live {
				proxies[name][s] = true
			}
		}
		if rnd.IntN(2) == 0 {
			proxies = Running(model) // the config HAProxy runs
		}
		wantErr := fmt.Sprint(Runs(model, proxies))
		if got := fmt.Sprint(rec.Runs(proxies)); got != wantErr {
			t.Errorf("%s: Runs = %s, want %s", step, got, wantErr)
		}
	}
}

// randomRows are a "show stat" of a few proxies, some without servers,
// with rows of their own (or, as a fake socket's, none).
func randomRows(rnd *rand.Rand) recordModel {
	var rows recordModel
	for p := range 1 + rnd.IntN(6) {
		name := fmt.Sprintf("p%d", p)
		if rnd.IntN(4) > 0 {
			rows = append(rows, row(name, "", "UP"))
		}
		for s := range rnd.IntN(6) {
			rows = append(rows, row(name, fmt.Sprintf("s%d:1", s), modelStatuses[rnd.IntN(len(modelStatuses))]))
		}
	}
	if rnd.IntN(2) == 0 {
		rows = append(rows, hapi.StatRow{Proxy: "GLOBAL", Server: "FRONTEND", Type: hapi.TypeFrontend})
	}
	return rows
}

// randomChanges change a few servers of model and add some, to proxies it
// has or new ones.
func randomChanges(rnd *rand.Rand, model recordModel, step int) (map[Ref]string, []hapi.StatRow, map[Ref]bool) {
	status, removed := map[Ref]string{}, map[Ref]bool{}
	var added []hapi.StatRow
	for _, r := range model {
		if r.Type != hapi.TypeServer {
			continue
		}
		switch rnd.IntN(8) {
		case 0:
			status[Ref{r.Proxy, r.Server}] = modelStatuses[rnd.IntN(len(modelStatuses))]
		case 1:
			removed[Ref{r.Proxy, r.Server}] = true
		}
	}
	for i := range rnd.IntN(3) {
		proxy := fmt.Sprintf("p%d", rnd.IntN(8))
		added = append(added, row(proxy, fmt.Sprintf("n%d-%d:1", step, i), modelStatuses[rnd.IntN(2)]))
	}
	return status, added, removed
}

// randomWants want some proxies (some HAProxy does not run), each with
// some of its servers and some others live, some dynamic.
func randomWants(rnd *rand.Rand, model recordModel) Wants {
	running := model.servers()
	w := Wants{}
	for p := range 8 {
		name := fmt.Sprintf("p%d", p)
		if rnd.IntN(2) == 0 {
			continue
		}
		d := &Backend{Service: name, Name: name, Disabled: rnd.IntN(8) == 0}
		var lines []string
		for _, s := range append(running[name], "x:1", "y:1") {
			if rnd.IntN(3) > 0 {
				d.Live = append(d.Live, s)
				lines = append(lines, fmt.Sprintf("server %s 10.0.0.1:1 weight %d", s, 1+rnd.IntN(2)))
			}
		}
		if rnd.IntN(2) == 0 {
			d.Mech, d.Stanza, d.Old = Dynamic, backend(lines...), backend(lines...)
		}
		w[name] = d
	}
	return w
}

func serverTriples(rows []hapi.StatRow) []string {
	var out []string
	for _, r := range rows {
		if r.Type == hapi.TypeServer {
			out = append(out, r.Proxy+"/"+r.Server+"/"+r.Status)
		}
	}
	return out
}

// Statuses past the 256 a record numbers are kept as the plans read them:
// the record still plans as Socket does.
func TestRecordManyStatuses(t *testing.T) {
	var rows []hapi.StatRow
	w := Wants{"p": {Service: "p", Name: "p"}}
	for i := range 600 {
		status := []string{fmt.Sprintf("UP %d/3", i), fmt.Sprintf("DOWN %d/2", i), fmt.Sprintf("MAINT (via x/%d)", i), "no check"}[i%4]
		name := fmt.Sprintf("s%d:1", i)
		rows = append(rows, row("p", name, status))
		if i%3 == 0 {
			w["p"].Live = append(w["p"].Live, name)
		}
	}
	rec := NewRecord(rows)
	if got, want := rec.Plan(w), Socket(rows, Running(rows), w); !reflect.DeepEqual(got, want) || len(got.Commands) == 0 {
		t.Errorf("record plans %q\nSocket plans %q", got.Commands, want.Commands)
	}
	if got := rec.Rows(); got[len(got)-1].Status != "no check" || got[len(got)-2].Status != "DOWN" {
		t.Errorf("last statuses %q, %q; want no check, DOWN", got[len(got)-1].Status, got[len(got)-2].Status)
	}
}
