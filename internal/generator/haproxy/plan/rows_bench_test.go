package plan

import (
	"fmt"
	"testing"

	hapi "github.com/smartstack-go/smartstack/pkg/haproxy"
)

// benchRecord is 1,000 proxies x 50 servers, and wants of every proxy
// with every server live.
func benchRecord() ([]hapi.StatRow, Wants) {
	var rows []hapi.StatRow
	w := Wants{}
	for p := range 1000 {
		name := fmt.Sprintf("svc%d", p)
		rows = append(rows, row(name, "", "UP"))
		d := &Backend{Service: name, Name: name}
		for s := range 50 {
			server := fmt.Sprintf("s%d_10.0.%d.%d:8080", s, p/200, p%200)
			rows = append(rows, row(name, server, "UP"))
			d.Live = append(d.Live, server)
		}
		w[name] = d
	}
	return rows, w
}

// BenchmarkRecordPlan plans a record of 50,000 servers whole (a resync)
// and for one backend (a lone change), and builds it from the rows.
func BenchmarkRecordPlan(b *testing.B) {
	rows, w := benchRecord()
	rec := NewRecord(rows)
	b.Run("whole", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			rec.Plan(w)
		}
	})
	b.Run("one", func(b *testing.B) {
		b.ReportAllocs()
		one := Wants{"svc7": w["svc7"]}
		for range b.N {
			rec.Plan(one)
		}
	})
	b.Run("build", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			NewRecord(rows)
		}
	})
}
